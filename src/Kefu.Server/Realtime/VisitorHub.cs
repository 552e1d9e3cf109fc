using Kefu.Core.Tickets;
using Kefu.Server.Features.Conversations;
using Microsoft.AspNetCore.SignalR;

namespace Kefu.Server.Realtime;

/// <summary>What a visitor's widget sees of a message: never notes, never agents' ids.</summary>
public sealed record VisitorMessage(Guid Id, string From, string Text, string? Html, IReadOnlyList<Attachment> Attachments, string? ClientMessageId, DateTimeOffset CreatedAt);

/// <summary>The customer side of live chat, used by the embeddable widget.</summary>
public sealed class VisitorHub : Hub
{
    public static string ConversationGroup(Guid conversationId) => $"visitor:{conversationId}";

    public static VisitorMessage ToVisitor(MessageDto m) => new(
        m.Id,
        m.AuthorKind switch
        {
            AuthorKind.Customer => "visitor",
            AuthorKind.Agent => "agent",
            AuthorKind.Bot => "bot",
            AuthorKind.System => "system",
        },
        m.Text, m.Html, m.Attachments, m.AuthorKind == AuthorKind.Customer ? m.ClientMessageId : null, m.CreatedAt);
}
