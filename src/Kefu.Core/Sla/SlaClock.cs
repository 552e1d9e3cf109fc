using Kefu.Core.Calendars;
using Kefu.Core.Tickets;

namespace Kefu.Core.Sla;

/// <summary>
/// The stored SLA bookkeeping of one conversation (columns on the conversation row). Due times are computed on every
/// write; <see cref="NextSlaDueAt"/> is the next instant the SLA worker has something to do (a warning, a breach or an
/// escalation), indexed so the worker reads only due rows. Stages only move forward within a clock's cycle:
/// 0 nothing fired, 1 warned, 2 breached, 2 + n escalated to level n.
/// </summary>
public sealed record SlaState(
    Guid? PolicyId = null,
    DateTimeOffset? FirstResponseDueAt = null,
    DateTimeOffset? NextResponseDueAt = null,
    DateTimeOffset? ResolutionDueAt = null,
    DateTimeOffset? NextSlaDueAt = null,
    DateTimeOffset? PausedSince = null,
    long PausedSeconds = 0,
    int NextResponseCycle = 0,
    DateTimeOffset? NextResponseStartedAt = null,
    long NextResponsePausedBase = 0,
    int FirstResponseStage = 0,
    int NextResponseStage = 0,
    int ResolutionStage = 0)
{
    public const int Warned = 1;
    public const int Breached = 2;

    public static readonly SlaState None = new();

    public int Stage(SlaMetric metric) => metric switch
    {
        SlaMetric.FirstResponse => FirstResponseStage,
        SlaMetric.NextResponse => NextResponseStage,
        SlaMetric.Resolution => ResolutionStage,
    };

    public DateTimeOffset? DueAt(SlaMetric metric) => metric switch
    {
        SlaMetric.FirstResponse => FirstResponseDueAt,
        SlaMetric.NextResponse => NextResponseDueAt,
        SlaMetric.Resolution => ResolutionDueAt,
    };

    internal SlaState WithStage(SlaMetric metric, int stage) => metric switch
    {
        SlaMetric.FirstResponse => this with { FirstResponseStage = stage },
        SlaMetric.NextResponse => this with { NextResponseStage = stage },
        SlaMetric.Resolution => this with { ResolutionStage = stage },
    };

    internal SlaState WithDue(SlaMetric metric, DateTimeOffset? due) => metric switch
    {
        SlaMetric.FirstResponse => this with { FirstResponseDueAt = due },
        SlaMetric.NextResponse => this with { NextResponseDueAt = due },
        SlaMetric.Resolution => this with { ResolutionDueAt = due },
    };
}

/// <summary>The facts of a conversation the clocks depend on.</summary>
public sealed record SlaFacts(
    ConversationStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FirstResponseAt,
    DateTimeOffset? AwaitingReplySince,
    DateTimeOffset? ResolvedAt)
{
    public static SlaFacts Of(Conversation c) => new(c.Status, c.CreatedAt, c.FirstResponseAt, c.AwaitingReplySince, c.ResolvedAt);
}

public enum SlaEventKind
{
    Warning,
    Breach,
    Escalation,
}

/// <summary>
/// Something the SLA engine decided happened, to be written once (unique on conversation, metric, cycle, kind, level)
/// and acted on. <see cref="At"/> is when it was due, which may be before it was noticed.
/// </summary>
public sealed record SlaEvent(SlaMetric Metric, int Cycle, SlaEventKind Kind, int Level, DateTimeOffset DueAt, DateTimeOffset At, IReadOnlyList<EscalationAction> Actions);

public enum SlaClockStatus
{
    /// <summary>No target for this clock, or it does not apply (e.g. next response before the first one).</summary>
    None,
    Running,
    AtRisk,
    Paused,
    Met,
    Breached,
}

/// <summary>How a clock looks now, for the workspace chips and the API.</summary>
public sealed record SlaClockView(SlaMetric Metric, SlaClockStatus Status, DateTimeOffset? DueAt, DateTimeOffset? WarnAt);

/// <summary>
/// The SLA clocks as functions: <see cref="Refresh"/> on every conversation write, <see cref="Advance"/> from the
/// worker when <see cref="SlaState.NextSlaDueAt"/> is reached. Clocks run in the policy calendar's business time,
/// pause while the conversation is pending on the customer (and while it is resolved, so a reopened conversation
/// does not count the quiet time), and stop when met.
/// <list type="bullet">
/// <item>First response: from creation until the first agent reply.</item>
/// <item>Next response: from the first unanswered customer message after the first reply until the next agent reply; each such wait is a new cycle.</item>
/// <item>Resolution: from creation until resolved.</item>
/// </list>
/// </summary>
public static class SlaClock
{
    public static readonly SlaMetric[] Metrics = [SlaMetric.FirstResponse, SlaMetric.NextResponse, SlaMetric.Resolution];

    public static bool PausesClocks(ConversationStatus status) => status switch
    {
        ConversationStatus.Pending or ConversationStatus.Resolved or ConversationStatus.Closed => true,
        ConversationStatus.New or ConversationStatus.Open or ConversationStatus.OnHold => false,
    };

    /// <summary>
    /// The state after a write at <paramref name="now"/>. A clock that stops now (met, paused, or replaced by a new
    /// cycle) after its due time without a recorded breach yields that breach, so a breach is never lost to a slow
    /// worker. Warnings and escalations belong to the worker: a reply must not trigger a reassignment.
    /// </summary>
    public static (SlaState State, IReadOnlyList<SlaEvent> Events) Refresh(
        SlaState previous, SlaFacts facts, SlaPolicy? policy, BusinessHours hours, DateTimeOffset now)
    {
        if (policy is null)
        {
            return (SlaState.None with { PausedSince = previous.PausedSince, PausedSeconds = previous.PausedSeconds }, []);
        }

        var events = new List<SlaEvent>();
        var state = previous with { PolicyId = policy.Id };

        // Pause bookkeeping, in business time.
        var paused = PausesClocks(facts.Status);
        if (paused && state.PausedSince is null)
        {
            state = state with { PausedSince = now };
        }
        else if (!paused && state.PausedSince is { } since)
        {
            state = state with { PausedSince = null, PausedSeconds = state.PausedSeconds + (long)hours.Between(since, now).TotalSeconds };
        }

        // A new wait for the next response.
        var awaiting = facts.FirstResponseAt is not null && facts.AwaitingReplySince is { } wait && wait >= facts.FirstResponseAt ? facts.AwaitingReplySince : null;
        var previousNextCycle = (state.NextResponseCycle, state.NextResponseStage);
        if (awaiting is not null && awaiting != state.NextResponseStartedAt)
        {
            state = state with
            {
                NextResponseCycle = state.NextResponseCycle + 1,
                NextResponseStartedAt = awaiting,
                NextResponsePausedBase = state.PausedSeconds,
                NextResponseStage = 0,
            };
        }

        var targets = policy.Targets;
        foreach (var metric in Metrics)
        {
            var wasRunning = previous.PolicyId is not null && previous.DueAt(metric) is not null && IsRunning(metric, previous, FactsBefore(previous, facts, metric));
            var running = IsRunning(metric, state, facts) && targets.For(metric) is not null;
            var cycleChanged = metric == SlaMetric.NextResponse && state.NextResponseCycle != previousNextCycle.NextResponseCycle;
            var oldStage = metric == SlaMetric.NextResponse ? previousNextCycle.NextResponseStage : previous.Stage(metric);
            var oldDue = previous.DueAt(metric);

            // A running clock that stops (or is replaced) now, late and not yet recorded as breached.
            if (wasRunning && (!running || cycleChanged) && oldDue is { } late && StoppedAt(metric, facts, now) > late && oldStage < SlaState.Breached)
            {
                var cycle = metric == SlaMetric.NextResponse ? previousNextCycle.NextResponseCycle : 0;
                events.Add(new SlaEvent(metric, cycle, SlaEventKind.Breach, 0, late, late, []));
                if (!cycleChanged)
                {
                    state = state.WithStage(metric, SlaState.Breached);
                }
            }

            if (running)
            {
                state = state.WithDue(metric, Due(metric, state, facts, targets.For(metric)!.Value, hours));
            }
            else if (targets.For(metric) is null || (paused && IsEligible(metric, state, facts)))
            {
                state = state.WithDue(metric, null);
            }
        }

        // The wait for the next response is over (answered, or the conversation was resolved): forget the cycle.
        if (awaiting is null && state.NextResponseStartedAt is not null)
        {
            state = state with { NextResponseStartedAt = null, NextResponseDueAt = null };
        }

        return (state with { NextSlaDueAt = NextEvent(state, facts, policy, hours) }, events);
    }

    /// <summary>
    /// Everything due at or before <paramref name="now"/> on running clocks, in order, with the stages moved on and the
    /// next due instant. A warning whose breach is also already due is passed over: the breach says more.
    /// </summary>
    public static (SlaState State, IReadOnlyList<SlaEvent> Events) Advance(
        SlaState state, SlaFacts facts, SlaPolicy? policy, BusinessHours hours, DateTimeOffset now)
    {
        if (policy is null || state.PolicyId != policy.Id)
        {
            return (state with { NextSlaDueAt = null }, []);
        }

        var events = new List<SlaEvent>();
        foreach (var metric in Metrics)
        {
            if (!IsRunning(metric, state, facts) || state.DueAt(metric) is not { } due)
            {
                continue;
            }

            var cycle = metric == SlaMetric.NextResponse ? state.NextResponseCycle : 0;
            foreach (var (stage, at) in Schedule(metric, state, facts, policy, hours))
            {
                if (stage <= state.Stage(metric) || at > now)
                {
                    continue;
                }

                if (stage == SlaState.Warned && due <= now)
                {
                    state = state.WithStage(metric, stage);
                    continue;
                }

                var (kind, level, actions) = stage switch
                {
                    SlaState.Warned => (SlaEventKind.Warning, 0, (IReadOnlyList<EscalationAction>)[]),
                    SlaState.Breached => (SlaEventKind.Breach, 0, []),
                    _ => (SlaEventKind.Escalation, stage - SlaState.Breached, policy.Escalations[stage - SlaState.Breached - 1].Actions),
                };
                events.Add(new SlaEvent(metric, cycle, kind, level, due, at, actions));
                state = state.WithStage(metric, stage);
            }
        }

        return (state with { NextSlaDueAt = NextEvent(state, facts, policy, hours) }, events);
    }

    /// <summary>The clocks as the workspace shows them at <paramref name="now"/>.</summary>
    public static IReadOnlyList<SlaClockView> Describe(SlaState state, SlaFacts facts, SlaPolicy? policy, BusinessHours hours, DateTimeOffset now)
    {
        var views = new List<SlaClockView>();
        if (policy is null || state.PolicyId is null)
        {
            return views;
        }

        foreach (var metric in Metrics)
        {
            if (policy.Targets.For(metric) is not { } target)
            {
                continue;
            }

            var due = state.DueAt(metric);
            var stage = state.Stage(metric);
            if (IsRunning(metric, state, facts) && due is { } d)
            {
                var warnAt = WarnAt(metric, state, facts, target, policy.WarningPercent, hours);
                var status = now >= d || stage >= SlaState.Breached ? SlaClockStatus.Breached
                    : warnAt is { } w && now >= w ? SlaClockStatus.AtRisk
                    : SlaClockStatus.Running;
                views.Add(new SlaClockView(metric, status, d, warnAt));
            }
            else if (IsEligible(metric, state, facts) && state.PausedSince is not null)
            {
                views.Add(new SlaClockView(metric, stage >= SlaState.Breached ? SlaClockStatus.Breached : SlaClockStatus.Paused, null, null));
            }
            else if (MetAt(metric, facts) is { } met && due is { } doneDue)
            {
                views.Add(new SlaClockView(metric, met <= doneDue && stage < SlaState.Breached ? SlaClockStatus.Met : SlaClockStatus.Breached, doneDue, null));
            }
        }

        return views;
    }

    /// <summary>The warning, breach and escalation instants of a running clock, in stage order.</summary>
    private static IEnumerable<(int Stage, DateTimeOffset At)> Schedule(SlaMetric metric, SlaState state, SlaFacts facts, SlaPolicy policy, BusinessHours hours)
    {
        if (state.DueAt(metric) is not { } due || policy.Targets.For(metric) is not { } target)
        {
            yield break;
        }

        if (WarnAt(metric, state, facts, target, policy.WarningPercent, hours) is { } warn)
        {
            yield return (SlaState.Warned, warn);
        }

        yield return (SlaState.Breached, due);
        for (var i = 0; i < policy.Escalations.Count; i++)
        {
            if (hours.Add(due, policy.Escalations[i].AfterBreach) is { } at)
            {
                yield return (SlaState.Breached + i + 1, at);
            }
        }
    }

    private static DateTimeOffset? NextEvent(SlaState state, SlaFacts facts, SlaPolicy policy, BusinessHours hours)
    {
        DateTimeOffset? next = null;
        foreach (var metric in Metrics)
        {
            if (!IsRunning(metric, state, facts))
            {
                continue;
            }

            foreach (var (stage, at) in Schedule(metric, state, facts, policy, hours))
            {
                if (stage > state.Stage(metric))
                {
                    next = next is null || at < next ? at : next;
                    break;
                }
            }
        }

        return next;
    }

    private static DateTimeOffset? WarnAt(SlaMetric metric, SlaState state, SlaFacts facts, TimeSpan target, int percent, BusinessHours hours)
    {
        if (percent <= 0 || target <= TimeSpan.Zero)
        {
            return null;
        }

        var (start, pausedSeconds) = Start(metric, state, facts);
        return hours.Add(start, TimeSpan.FromSeconds(Math.Floor(target.TotalSeconds * percent / 100.0) + pausedSeconds));
    }

    private static DateTimeOffset? Due(SlaMetric metric, SlaState state, SlaFacts facts, TimeSpan target, BusinessHours hours)
    {
        var (start, pausedSeconds) = Start(metric, state, facts);
        return hours.Add(start, target + TimeSpan.FromSeconds(pausedSeconds));
    }

    private static (DateTimeOffset Start, long PausedSeconds) Start(SlaMetric metric, SlaState state, SlaFacts facts) => metric switch
    {
        SlaMetric.FirstResponse or SlaMetric.Resolution => (facts.CreatedAt, state.PausedSeconds),
        SlaMetric.NextResponse => (state.NextResponseStartedAt ?? facts.CreatedAt, state.PausedSeconds - state.NextResponsePausedBase),
    };

    /// <summary>The clock has something to wait for (ignoring pauses).</summary>
    private static bool IsEligible(SlaMetric metric, SlaState state, SlaFacts facts) => metric switch
    {
        SlaMetric.FirstResponse => facts.FirstResponseAt is null && facts.Status is not (ConversationStatus.Resolved or ConversationStatus.Closed),
        SlaMetric.NextResponse => state.NextResponseStartedAt is not null && facts.AwaitingReplySince == state.NextResponseStartedAt
            && facts.Status is not (ConversationStatus.Resolved or ConversationStatus.Closed),
        SlaMetric.Resolution => facts.Status is not (ConversationStatus.Resolved or ConversationStatus.Closed),
    };

    private static bool IsRunning(SlaMetric metric, SlaState state, SlaFacts facts) =>
        state.PausedSince is null && IsEligible(metric, state, facts);

    /// <summary>The previous state's view of whether a clock ran: the facts changed by this write decide only whether it stopped.</summary>
    private static SlaFacts FactsBefore(SlaState previous, SlaFacts facts, SlaMetric metric) => metric switch
    {
        SlaMetric.FirstResponse => facts with { FirstResponseAt = null, Status = ConversationStatus.Open },
        SlaMetric.NextResponse => facts with { AwaitingReplySince = previous.NextResponseStartedAt, Status = ConversationStatus.Open },
        SlaMetric.Resolution => facts with { Status = ConversationStatus.Open },
    };

    private static DateTimeOffset StoppedAt(SlaMetric metric, SlaFacts facts, DateTimeOffset now) =>
        MetAt(metric, facts) is { } met && met <= now ? met : now;

    private static DateTimeOffset? MetAt(SlaMetric metric, SlaFacts facts) => metric switch
    {
        SlaMetric.FirstResponse => facts.FirstResponseAt,
        SlaMetric.NextResponse => null,
        SlaMetric.Resolution => facts.ResolvedAt,
    };
}
