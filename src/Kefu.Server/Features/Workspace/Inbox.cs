using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Workspace;

/// <summary>The inbox views of the agent workspace; each is further split by status.</summary>
public enum InboxView
{
    All,
    Mine,
    Unassigned,
    MyTeams,

    /// <summary>Conversations whose SLA was warned or breached and still runs.</summary>
    AtRisk,
}

/// <summary>How many conversations each view holds, by status (merged conversations left out).</summary>
public sealed class InboxCounts
{
    private readonly Dictionary<(InboxView, ConversationStatus), int> counts = [];

    public static readonly InboxCounts Empty = new();

    /// <summary>Statuses that still need work: what the view's headline count shows.</summary>
    public static bool IsActive(ConversationStatus status) => status switch
    {
        ConversationStatus.New or ConversationStatus.Open or ConversationStatus.Pending or ConversationStatus.OnHold => true,
        ConversationStatus.Resolved or ConversationStatus.Closed => false,
    };

    public int Count(InboxView view, ConversationStatus? status) =>
        status is { } s ? counts.GetValueOrDefault((view, s)) : Enum.GetValues<ConversationStatus>().Sum(x => counts.GetValueOrDefault((view, x)));

    public int Active(InboxView view) => Enum.GetValues<ConversationStatus>().Where(IsActive).Sum(s => counts.GetValueOrDefault((view, s)));

    internal void Add(InboxView view, ConversationStatus status, int count) =>
        counts[(view, status)] = counts.GetValueOrDefault((view, status)) + count;
}

public static class Inbox
{
    /// <summary>Narrows a list filter to a view. The access rule (VisibleTo) is always applied as well.</summary>
    public static ConversationFilter Narrow(ConversationFilter filter, InboxView view, ConversationViewer viewer) => view switch
    {
        InboxView.All => filter with { VisibleTo = viewer },
        InboxView.Mine => filter with { VisibleTo = viewer, Assignee = "me" },
        InboxView.Unassigned => filter with { VisibleTo = viewer, Assignee = "none" },
        InboxView.MyTeams => filter with { VisibleTo = viewer, Teams = viewer.TeamIds },
        InboxView.AtRisk => filter with { VisibleTo = viewer, AtRisk = true },
    };

    /// <summary>All views' counts in one grouped query over what the viewer may see.</summary>
    public static async Task<InboxCounts> CountAsync(KefuDbContext db, ConversationViewer viewer, CancellationToken ct)
    {
        var me = viewer.AgentId;
        var teams = viewer.TeamIds;
        var rows = await ConversationQueries.VisibleTo(db.Conversations.AsNoTracking().Where(c => c.MergedIntoId == null), viewer)
            .GroupBy(c => new
            {
                c.Status,
                Mine = c.AssigneeId == me,
                Unassigned = c.AssigneeId == null,
                Team = c.TeamId != null && teams.Contains(c.TeamId.Value),
            })
            .Select(g => new { g.Key.Status, g.Key.Mine, g.Key.Unassigned, g.Key.Team, Count = g.Count() })
            .ToListAsync(ct);
        var atRisk = await ConversationQueries.VisibleTo(db.Conversations.AsNoTracking().Where(ConversationQueries.AtRisk), viewer)
            .GroupBy(c => c.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);
        var counts = new InboxCounts();
        foreach (var r in atRisk)
        {
            counts.Add(InboxView.AtRisk, r.Status, r.Count);
        }

        foreach (var r in rows)
        {
            counts.Add(InboxView.All, r.Status, r.Count);
            if (r.Mine)
            {
                counts.Add(InboxView.Mine, r.Status, r.Count);
            }

            if (r.Unassigned)
            {
                counts.Add(InboxView.Unassigned, r.Status, r.Count);
            }

            if (r.Team)
            {
                counts.Add(InboxView.MyTeams, r.Status, r.Count);
            }
        }

        return counts;
    }
}
