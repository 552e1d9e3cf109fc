using Kefu.Core.Tickets;

namespace Kefu.Core.Channels.Chat;

/// <summary>A conversation waiting for an agent.</summary>
public sealed record QueueEntry(Guid ConversationId, bool Vip, Priority Priority, DateTimeOffset WaitingSince, long Number);

/// <summary>Queue position and estimated wait for a visitor waiting for an agent.</summary>
public sealed record QueueEstimate(int Position, int AgentsOnline, TimeSpan? EstimatedWait);

public static class ChatQueue
{
    /// <summary>Who is served first: VIPs, then higher priority, then the longest wait (ticket number breaks ties).</summary>
    public static IReadOnlyList<QueueEntry> Order(IEnumerable<QueueEntry> waiting) =>
        waiting.OrderByDescending(e => e.Vip).ThenByDescending(e => e.Priority).ThenBy(e => e.WaitingSince).ThenBy(e => e.Number).ToList();

    /// <summary>
    /// Position is 1 for the next chat to be picked up. The estimate uses the median first-response time of recent
    /// chats, scaled by how many chats are ahead per online agent; null when there is no agent or no history.
    /// </summary>
    public static QueueEstimate Estimate(int position, int agentsOnline, IReadOnlyList<TimeSpan> recentFirstResponses)
    {
        if (agentsOnline <= 0 || recentFirstResponses.Count == 0)
        {
            return new QueueEstimate(position, agentsOnline, null);
        }

        var sorted = recentFirstResponses.Order().ToList();
        var median = sorted[sorted.Count / 2];
        var rounds = Math.Ceiling(position / (double)agentsOnline);
        return new QueueEstimate(position, agentsOnline, TimeSpan.FromSeconds(Math.Max(median.TotalSeconds * rounds, 15)));
    }
}
