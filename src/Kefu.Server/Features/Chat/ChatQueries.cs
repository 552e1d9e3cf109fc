using Kefu.Core.Agents;
using Kefu.Core.Channels.Chat;
using Kefu.Core.Sla;
using Kefu.Core.Tickets;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Chat;

/// <summary>What a waiting visitor is told: their place in the queue and, when there is history to go by, the wait.</summary>
public sealed record QueueInfo(int Position, int AgentsOnline, int? EstimatedWaitSeconds)
{
    public static QueueInfo From(QueueEstimate e) => new(e.Position, e.AgentsOnline, e.EstimatedWait is { } w ? (int)Math.Ceiling(w.TotalSeconds) : null);
}

public static class ChatQueries
{
    /// <summary>How many recent answered chats the wait estimate looks at.</summary>
    public const int RecentChats = 50;

    /// <summary>
    /// Agents who can take a chat of this inbox now: every role counts (admins and supervisors answer chats too);
    /// with a team set, only its members; none outside the inbox's business hours (the widget is offline then).
    /// </summary>
    public static async Task<int> AgentsOnlineAsync(KefuDbContext db, ChatInbox inbox, DateTimeOffset now, CancellationToken ct)
    {
        if (inbox.CalendarId is { } calendarId
            && await db.BusinessCalendars.AsNoTracking().FirstOrDefaultAsync(c => c.Id == calendarId, ct) is { } calendar
            && !calendar.Hours().IsOpen(now))
        {
            return 0;
        }

        var since = now - Agent.HeartbeatTimeout;
        var query = db.Agents.AsNoTracking().Where(a => a.IsActive && a.Presence == Presence.Online && a.LastSeenAt >= since);
        if (inbox.TeamId is { } team)
        {
            query = query.Where(a => a.TeamIds.Contains(team));
        }

        // IsAvailable is the rule; the query above only narrows the rows it is applied to.
        return (await query.ToListAsync(ct)).Count(a => a.IsAvailable(now));
    }

    /// <summary>
    /// The chats of an inbox still waiting for a first answer, in the order they are served (<see cref="ChatQueue.Order"/>:
    /// VIP customers first, then priority, then the longest wait): unassigned, not answered, not resolved. A waiting
    /// conversation belongs to the inbox through its chat session.
    /// </summary>
    public static async Task<List<Guid>> WaitingAsync(KefuDbContext db, Guid inboxId, CancellationToken ct)
    {
        var waiting = await (from s in db.ChatSessions.AsNoTracking()
                             join c in db.Conversations.AsNoTracking() on s.ConversationId equals c.Id
                             join u in db.Customers.AsNoTracking() on c.CustomerId equals u.Id
                             where s.InboxId == inboxId && c.FirstResponseAt == null && c.AssigneeId == null && c.MergedIntoId == null
                                   && (c.Status == ConversationStatus.New || c.Status == ConversationStatus.Open)
                                   // A chat the bot is still answering waits for nobody; it joins the queue when the bot hands it off.
                                   && !db.BotSessions.Any(b => b.ConversationId == c.Id && b.State == Kefu.Core.Bot.BotState.Active)
                             select new { c.Id, u.Tags, c.Priority, c.CreatedAt, c.Number }).ToListAsync(ct);
        return ChatQueue.Order(waiting.Select(w => new QueueEntry(
                w.Id, w.Tags.Any(t => string.Equals(t, CustomerSegments.VipTag, StringComparison.OrdinalIgnoreCase)), w.Priority, w.CreatedAt, w.Number)))
            .Select(e => e.ConversationId).ToList();
    }

    /// <summary>First-response times of the inbox's most recent answered chats.</summary>
    public static async Task<List<TimeSpan>> RecentFirstResponsesAsync(KefuDbContext db, Guid inboxId, CancellationToken ct)
    {
        var rows = await (from s in db.ChatSessions.AsNoTracking()
                          join c in db.Conversations.AsNoTracking() on s.ConversationId equals c.Id
                          where s.InboxId == inboxId && c.FirstResponseAt != null
                          orderby c.CreatedAt descending
                          select new { c.CreatedAt, c.FirstResponseAt }).Take(RecentChats).ToListAsync(ct);
        return rows.Select(r => r.FirstResponseAt!.Value - r.CreatedAt).Where(t => t >= TimeSpan.Zero).ToList();
    }

    /// <summary>Queue information for every waiting chat of an inbox (one pass for all of them).</summary>
    public static async Task<Dictionary<Guid, QueueInfo>> QueueAsync(KefuDbContext db, ChatInbox inbox, DateTimeOffset now, CancellationToken ct)
    {
        var waiting = await WaitingAsync(db, inbox.Id, ct);
        if (waiting.Count == 0)
        {
            return [];
        }

        var online = await AgentsOnlineAsync(db, inbox, now, ct);
        var recent = await RecentFirstResponsesAsync(db, inbox.Id, ct);
        return waiting.Select((id, i) => (id, info: QueueInfo.From(ChatQueue.Estimate(i + 1, online, recent))))
            .ToDictionary(x => x.id, x => x.info);
    }

    /// <summary>Queue information for one chat, or null when it is not waiting (answered, assigned or closed).</summary>
    public static async Task<QueueInfo?> QueueOfAsync(KefuDbContext db, ChatInbox inbox, Guid? conversationId, DateTimeOffset now, CancellationToken ct) =>
        conversationId is { } id && (await QueueAsync(db, inbox, now, ct)).TryGetValue(id, out var info) ? info : null;
}
