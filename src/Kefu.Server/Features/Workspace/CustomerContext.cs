using Kefu.Core.Channels.Chat;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Workspace;

/// <summary>One message of a customer's history across all their conversations and channels.</summary>
public sealed record TimelineEntry(MessageDto Message, long Number, Channel Channel, string Subject);

/// <summary>What the workspace shows about a customer besides the open conversation.</summary>
public static class CustomerContext
{
    public const int TimelineSize = 200;

    /// <summary>
    /// The customer's latest messages (notes included) over every conversation the viewer may see, oldest first:
    /// one timeline across e-mail, chat, API and phone, so nobody asks the customer to repeat themselves.
    /// </summary>
    public static async Task<List<TimelineEntry>> TimelineAsync(KefuDbContext db, Guid customerId, ConversationViewer viewer, CancellationToken ct)
    {
        var conversations = ConversationQueries.VisibleTo(db.Conversations.AsNoTracking().Where(c => c.CustomerId == customerId), viewer);
        var rows = await db.Messages.AsNoTracking()
            .Join(conversations, m => m.ConversationId, c => c.Id, (m, c) => new { Message = m, c.Number, c.Channel, c.Subject })
            .OrderByDescending(x => x.Message.CreatedAt).ThenByDescending(x => x.Message.Id)
            .Take(TimelineSize)
            .ToListAsync(ct);
        return rows.AsEnumerable().Reverse().Select(x => new TimelineEntry(MessageDto.From(x.Message), x.Number, x.Channel, x.Subject)).ToList();
    }

    /// <summary>The chat visit behind a conversation, or else the customer's latest visit: pages, referrer, device.</summary>
    public static async Task<ChatSession?> VisitorAsync(KefuDbContext db, Guid conversationId, Guid customerId, CancellationToken ct) =>
        await db.ChatSessions.AsNoTracking().Where(s => s.ConversationId == conversationId).OrderByDescending(s => s.LastSeenAt).FirstOrDefaultAsync(ct)
        ?? await db.ChatSessions.AsNoTracking().Where(s => s.CustomerId == customerId).OrderByDescending(s => s.LastSeenAt).FirstOrDefaultAsync(ct);
}
