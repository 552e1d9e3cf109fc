using Kefu.Core.Calendars;
using Kefu.Core.Sla;
using Kefu.Core.Tickets;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Sla;

/// <summary>
/// Recomputes a conversation's SLA columns on every write (CONVENTIONS.md #10), in the caller's transaction: the
/// policy is matched again (priority or category may have changed), due times and the worker's next instant are
/// stored, and a breach that a write reveals (a late reply) is recorded with it.
/// </summary>
public static class SlaRefresh
{
    public static async Task ApplyAsync(KefuDbContext db, Conversation conversation, DateTimeOffset now, CancellationToken ct)
    {
        var (policy, hours) = await PolicyForAsync(db, conversation, ct);
        var (state, events) = SlaClock.Refresh(conversation.Sla, SlaFacts.Of(conversation), policy, hours, now);
        conversation.SetSla(state);
        await RecordAsync(db, conversation, policy?.Id, events, now, ct);
        // Every conversation write passes here: resolving schedules the follow-up, reopening cancels it.
        await Promises.PromiseCommands.ApplyFollowUpAsync(db, conversation, now, ct);
    }

    /// <summary>Adds the events not stored yet; the unique index is the last guard, this check keeps a batch from failing on it.</summary>
    public static async Task<List<SlaEvent>> RecordAsync(KefuDbContext db, Conversation conversation, Guid? policyId, IReadOnlyList<SlaEvent> events, DateTimeOffset now, CancellationToken ct)
    {
        var added = new List<SlaEvent>();
        foreach (var e in events)
        {
            var exists = db.SlaEvents.Local.Any(x => x.ConversationId == conversation.Id && x.Metric == e.Metric && x.Cycle == e.Cycle && x.Kind == e.Kind && x.Level == e.Level)
                || await db.SlaEvents.AnyAsync(x => x.ConversationId == conversation.Id && x.Metric == e.Metric && x.Cycle == e.Cycle && x.Kind == e.Kind && x.Level == e.Level, ct);
            if (!exists)
            {
                db.SlaEvents.Add(SlaEventRecord.From(conversation.Id, policyId, e, now));
                db.Activities.Add(Kefu.Core.Common.ActivityEntry.Create(Kefu.Core.Common.Actor.System, now, "conversation", conversation.Id, ActivityName(e),
                    new(Wire(e.Metric), null, e.DueAt.ToString("O"))));
                added.Add(e);
            }
        }

        return added;
    }

    public static async Task<(SlaPolicy? Policy, BusinessHours Hours)> PolicyForAsync(KefuDbContext db, Conversation conversation, CancellationToken ct)
    {
        var policies = await db.SlaPolicies.AsNoTracking().Where(p => p.IsActive).ToListAsync(ct);
        if (policies.Count == 0)
        {
            return (null, BusinessHours.AlwaysOpen);
        }

        var segment = CustomerSegment.New;
        if (policies.Any(p => p.Segments.Count > 0))
        {
            var tags = await db.Customers.AsNoTracking().Where(c => c.Id == conversation.CustomerId).Select(c => c.Tags).FirstOrDefaultAsync(ct) ?? [];
            var earlier = await db.Conversations.AsNoTracking().AnyAsync(c => c.CustomerId == conversation.CustomerId && c.Number < conversation.Number, ct);
            segment = CustomerSegments.Of(tags, earlier);
        }

        var policy = SlaPolicy.Match(policies, new SlaSubject(conversation.Channel, conversation.Priority, conversation.CategoryId, segment));
        return (policy, await HoursAsync(db, policy?.CalendarId, ct));
    }

    public static async Task<BusinessHours> HoursAsync(KefuDbContext db, Guid? calendarId, CancellationToken ct) =>
        calendarId is { } id && await db.BusinessCalendars.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } calendar
            ? calendar.Hours()
            : BusinessHours.AlwaysOpen;

    public static string Wire(SlaMetric metric) => metric switch
    {
        SlaMetric.FirstResponse => "first_response",
        SlaMetric.NextResponse => "next_response",
        SlaMetric.Resolution => "resolution",
    };

    private static string ActivityName(SlaEvent e) => e.Kind switch
    {
        SlaEventKind.Warning => "sla_warning",
        SlaEventKind.Breach => "sla_breach",
        SlaEventKind.Escalation => $"sla_escalation_{e.Level}",
    };
}
