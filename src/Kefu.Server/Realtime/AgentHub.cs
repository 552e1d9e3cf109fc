using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Features.Chat;
using Kefu.Server.Features.Conversations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Realtime;

/// <summary>
/// Live conversation traffic for agents' programs (integrations, the load benchmark). The Blazor workspace gets
/// the same events in-process. An agent joins only conversations their role lets them see.
/// </summary>
[Authorize(Policy = Policies.ConversationsRead)]
public sealed class AgentHub(IDbContextFactory<KefuDbContext> dbs, RealtimePublisher realtime, TimeProvider clock) : Hub
{
    public static string ConversationGroup(Guid conversationId) => $"conv:{conversationId}";

    /// <summary>Starts receiving a conversation's messages, typing and changes; returns it with its messages.</summary>
    public async Task<ConversationDetail> Join(Guid conversationId)
    {
        await using var db = await dbs.CreateDbContextAsync();
        await EnsureAccessAsync(db, conversationId);
        await Groups.AddToGroupAsync(Context.ConnectionId, ConversationGroup(conversationId));
        return (await ConversationQueries.GetAsync(db, conversationId.ToString(), Context.ConnectionAborted))!;
    }

    public Task Leave(Guid conversationId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, ConversationGroup(conversationId));

    /// <summary>Sends a reply (or an internal note); stored before this returns, idempotent by clientMessageId.</summary>
    [Authorize(Policy = Policies.ConversationsWrite)]
    public async Task<MessageDto> Send(Guid conversationId, string clientMessageId, string text, bool note)
    {
        await using var db = await dbs.CreateDbContextAsync();
        await EnsureAccessAsync(db, conversationId);
        var result = await ConversationCommands.AddMessageAsync(db, Context.User!.ToActor(), clock.GetUtcNow(), conversationId,
            new NewMessage(note ? MessageKind.Note : MessageKind.Outbound, text, null, clientMessageId, null), Context.ConnectionAborted);
        if (!result.IsOk)
        {
            throw new HubException(result.Error!.Message);
        }

        var (message, conversation, created) = result.Value;
        if (created)
        {
            await realtime.MessageCreatedAsync(conversation, message);
        }

        return message;
    }

    public async Task Typing(Guid conversationId, bool typing)
    {
        await using var db = await dbs.CreateDbContextAsync();
        await EnsureAccessAsync(db, conversationId);
        await realtime.TypingAsync(new TypingChanged(conversationId, Context.User!.AgentId(), Context.User!.Identity?.Name ?? "", typing));
    }

    /// <summary>The agent has read a chat up to this time: the visitor's widget shows its messages as read.</summary>
    public async Task Read(Guid conversationId, DateTimeOffset upTo)
    {
        await using var db = await dbs.CreateDbContextAsync();
        await EnsureAccessAsync(db, conversationId);
        if (await ChatCommands.AgentReadAsync(db, conversationId, upTo, clock.GetUtcNow(), Context.ConnectionAborted) is { } read)
        {
            await realtime.ReadAsync(read);
        }
    }

    private async Task EnsureAccessAsync(KefuDbContext db, Guid conversationId)
    {
        var agentId = Context.User!.AgentId();
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId);
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId);
        if (agent is null || conversation is null || !ConversationAccess.CanView(agent, conversation))
        {
            // The same answer for "missing" and "not yours": nothing to learn by probing ids.
            throw new HubException("Conversation not found or not accessible.");
        }
    }
}
