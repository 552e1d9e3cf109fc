using Kefu.Core.Tickets;
using Kefu.Server.Features.Conversations;
using Microsoft.AspNetCore.SignalR;

namespace Kefu.Server.Realtime;

/// <summary>
/// Publishes a saved change once, where it happened: to SignalR clients (agents' hub, and the visitor's widget
/// unless it is an internal note) — the Redis backplane carries these to other nodes — and to the bus, which
/// reaches the Blazor screens of every node.
/// </summary>
public sealed class RealtimePublisher(RealtimeBus bus, IHubContext<AgentHub> agents, IHubContext<VisitorHub> visitors)
{
    public async Task MessageCreatedAsync(ConversationDto conversation, MessageDto message)
    {
        await bus.PublishAsync(new MessageCreated(conversation, message));
        await agents.Clients.Group(AgentHub.ConversationGroup(conversation.Id)).SendAsync("message", conversation.Id, message);
        if (message.Kind != MessageKind.Note)
        {
            await visitors.Clients.Group(VisitorHub.ConversationGroup(conversation.Id)).SendAsync("message", VisitorHub.ToVisitor(message));
        }
    }

    public async Task ConversationChangedAsync(ConversationDto conversation)
    {
        await bus.PublishAsync(new ConversationChanged(conversation));
        await agents.Clients.Group(AgentHub.ConversationGroup(conversation.Id)).SendAsync("conversation", conversation);
        await visitors.Clients.Group(VisitorHub.ConversationGroup(conversation.Id)).SendAsync("status", conversation.Status.Wire());
    }

    public async Task TypingAsync(TypingChanged typing)
    {
        await bus.PublishAsync(typing);
        await agents.Clients.Group(AgentHub.ConversationGroup(typing.ConversationId)).SendAsync("typing", typing);
        if (typing.AgentId is not null)
        {
            await visitors.Clients.Group(VisitorHub.ConversationGroup(typing.ConversationId)).SendAsync("typing", typing.Typing);
        }
    }

    public async Task ReadAsync(ReadChanged read)
    {
        await bus.PublishAsync(read);
        await agents.Clients.Group(AgentHub.ConversationGroup(read.ConversationId)).SendAsync("read", read);
        await visitors.Clients.Group(VisitorHub.ConversationGroup(read.ConversationId)).SendAsync("read", read.ByVisitor, read.UpTo);
    }

    /// <summary>Events only screens care about (presence, viewing, notifications, queue moves).</summary>
    public Task PublishAsync(KefuEvent evt) => bus.PublishAsync(evt);
}
