using Kefu.Core.Common;
using Kefu.Core.Tickets;

namespace Kefu.Core.Sla;

/// <summary>PRODUCT.md §6 segments. A customer is in exactly one: VIP before returning before new.</summary>
public enum CustomerSegment
{
    New,
    Returning,
    Vip,
}

public static class CustomerSegments
{
    public const string VipTag = "vip";

    public static CustomerSegment Of(IReadOnlyCollection<string> customerTags, bool hasEarlierConversations) =>
        customerTags.Any(t => string.Equals(t, VipTag, StringComparison.OrdinalIgnoreCase)) ? CustomerSegment.Vip
        : hasEarlierConversations ? CustomerSegment.Returning
        : CustomerSegment.New;
}

public enum SlaMetric
{
    FirstResponse,
    NextResponse,
    Resolution,
}

public enum EscalationActionKind
{
    /// <summary>Tell the supervisors (of <see cref="EscalationAction.TeamId"/>, or of the conversation's team).</summary>
    NotifySupervisor,

    /// <summary>One priority step up (low → normal → high → urgent).</summary>
    RaisePriority,

    /// <summary>Move the conversation to <see cref="EscalationAction.TeamId"/> and/or <see cref="EscalationAction.AgentId"/>.</summary>
    Reassign,

    /// <summary>Run the automation rule <see cref="EscalationAction.RuleId"/>.</summary>
    RunRule,
}

public sealed record EscalationAction(EscalationActionKind Kind, Guid? TeamId = null, Guid? AgentId = null, Guid? RuleId = null);

/// <summary>Fires <see cref="AfterBreach"/> (business time) after a clock breached; levels fire in order, each once.</summary>
public sealed record EscalationLevel(TimeSpan AfterBreach, IReadOnlyList<EscalationAction> Actions);

/// <summary>What a policy is matched on.</summary>
public sealed record SlaSubject(Channel Channel, Priority Priority, Guid? CategoryId, CustomerSegment Segment);

/// <summary>Targets in business time; null means the policy sets no target for that clock. Zero means "immediately".</summary>
public sealed record SlaTargets(TimeSpan? FirstResponse, TimeSpan? NextResponse, TimeSpan? Resolution)
{
    public TimeSpan? For(SlaMetric metric) => metric switch
    {
        SlaMetric.FirstResponse => FirstResponse,
        SlaMetric.NextResponse => NextResponse,
        SlaMetric.Resolution => Resolution,
    };
}

/// <summary>Everything an admin sets on a policy (create, or replace on update).</summary>
public sealed record SlaPolicyDraft(
    string? Name,
    int Position,
    bool IsActive,
    IReadOnlyList<Channel>? Channels,
    IReadOnlyList<Priority>? Priorities,
    IReadOnlyList<Guid>? CategoryIds,
    IReadOnlyList<CustomerSegment>? Segments,
    Guid? CalendarId,
    SlaTargets? Targets,
    int WarningPercent = SlaPolicy.DefaultWarningPercent,
    IReadOnlyList<EscalationLevel>? Escalations = null);

/// <summary>
/// Service-level targets for the conversations it matches. Empty condition lists match anything. Policies are tried
/// by <see cref="Position"/> (lowest first); among policies at the same position the most specific (most condition
/// lists set) wins, so "chat + VIP" at position 10 beats "chat" at position 10, while an admin can still put a broad
/// policy first on purpose.
/// </summary>
public sealed class SlaPolicy
{
    public const int DefaultWarningPercent = 80;
    public const int MaxEscalationLevels = 5;
    public const int MaxActionsPerLevel = 5;
    public static readonly TimeSpan MaxTarget = TimeSpan.FromDays(365);

    private SlaPolicy()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public int Position { get; private set; }

    public bool IsActive { get; private set; } = true;

    public List<Channel> Channels { get; private set; } = [];

    public List<Priority> Priorities { get; private set; } = [];

    public List<Guid> CategoryIds { get; private set; } = [];

    public List<CustomerSegment> Segments { get; private set; } = [];

    /// <summary>The business calendar the clocks run on; null is 24/7.</summary>
    public Guid? CalendarId { get; private set; }

    public int? FirstResponseMinutes { get; private set; }

    public int? NextResponseMinutes { get; private set; }

    public int? ResolutionMinutes { get; private set; }

    /// <summary>A warning is raised when this share of a target has passed; 0 turns warnings off.</summary>
    public int WarningPercent { get; private set; } = DefaultWarningPercent;

    public List<EscalationLevel> Escalations { get; private set; } = [];

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public int Version { get; private set; }

    public SlaTargets Targets => new(Minutes(FirstResponseMinutes), Minutes(NextResponseMinutes), Minutes(ResolutionMinutes));

    public int Specificity =>
        (Channels.Count > 0 ? 1 : 0) + (Priorities.Count > 0 ? 1 : 0) + (CategoryIds.Count > 0 ? 1 : 0) + (Segments.Count > 0 ? 1 : 0);

    public bool Matches(SlaSubject subject) =>
        IsActive
        && (Channels.Count == 0 || Channels.Contains(subject.Channel))
        && (Priorities.Count == 0 || Priorities.Contains(subject.Priority))
        && (CategoryIds.Count == 0 || (subject.CategoryId is { } category && CategoryIds.Contains(category)))
        && (Segments.Count == 0 || Segments.Contains(subject.Segment));

    /// <summary>The policy that applies to <paramref name="subject"/>, or null when none matches (no SLA).</summary>
    public static SlaPolicy? Match(IEnumerable<SlaPolicy> policies, SlaSubject subject) =>
        policies.Where(p => p.Matches(subject))
            .OrderBy(p => p.Position)
            .ThenByDescending(p => p.Specificity)
            .ThenBy(p => p.CreatedAt)
            .ThenBy(p => p.Id)
            .FirstOrDefault();

    public static Result<SlaPolicy> Create(Guid id, SlaPolicyDraft draft, DateTimeOffset now)
    {
        if (Validate(draft).ToError() is { } invalid)
        {
            return invalid;
        }

        var policy = new SlaPolicy { Id = id, CreatedAt = now, Version = 0 };
        policy.Set(draft, now);
        return policy;
    }

    public Result<bool> Update(SlaPolicyDraft draft, DateTimeOffset now)
    {
        if (Validate(draft).ToError() is { } invalid)
        {
            return invalid;
        }

        Set(draft, now);
        return true;
    }

    private void Set(SlaPolicyDraft draft, DateTimeOffset now)
    {
        Name = draft.Name!.Trim();
        Position = draft.Position;
        IsActive = draft.IsActive;
        Channels = draft.Channels?.Distinct().Order().ToList() ?? [];
        Priorities = draft.Priorities?.Distinct().Order().ToList() ?? [];
        CategoryIds = draft.CategoryIds?.Distinct().ToList() ?? [];
        Segments = draft.Segments?.Distinct().Order().ToList() ?? [];
        CalendarId = draft.CalendarId;
        FirstResponseMinutes = ToMinutes(draft.Targets?.FirstResponse);
        NextResponseMinutes = ToMinutes(draft.Targets?.NextResponse);
        ResolutionMinutes = ToMinutes(draft.Targets?.Resolution);
        WarningPercent = draft.WarningPercent;
        Escalations = draft.Escalations?.OrderBy(e => e.AfterBreach).ToList() ?? [];
        UpdatedAt = now;
        Version++;
    }

    private static FieldErrors Validate(SlaPolicyDraft draft)
    {
        var errors = new FieldErrors().Required("name", draft.Name, Limits.Name);
        if (draft.Position is < 0 or > 100_000)
        {
            errors.Add("position", "must be between 0 and 100000.");
        }

        if (draft.WarningPercent is < 0 or > 99)
        {
            errors.Add("warningPercent", "must be between 0 (no warning) and 99.");
        }

        CheckDefined(errors, "channels", draft.Channels);
        CheckDefined(errors, "priorities", draft.Priorities);
        CheckDefined(errors, "segments", draft.Segments);
        if (draft.CategoryIds is { Count: > 100 })
        {
            errors.Add("categoryIds", "must contain at most 100 categories.");
        }

        var targets = draft.Targets;
        if (targets is null || (targets.FirstResponse is null && targets.NextResponse is null && targets.Resolution is null))
        {
            errors.Add("targets", "at least one target (first response, next response or resolution) is required.");
        }
        else
        {
            CheckTarget(errors, "targets.firstResponseMinutes", targets.FirstResponse);
            CheckTarget(errors, "targets.nextResponseMinutes", targets.NextResponse);
            CheckTarget(errors, "targets.resolutionMinutes", targets.Resolution);
        }

        var levels = draft.Escalations ?? [];
        if (levels.Count > MaxEscalationLevels)
        {
            errors.Add("escalations", $"must contain at most {MaxEscalationLevels} levels.");
        }

        for (var i = 0; i < levels.Count; i++)
        {
            var level = levels[i];
            if (level is null)
            {
                errors.Add($"escalations[{i}]", "must not be null.");
                continue;
            }

            if (level.AfterBreach < TimeSpan.Zero || level.AfterBreach > MaxTarget || level.AfterBreach.Ticks % TimeSpan.TicksPerMinute != 0)
            {
                errors.Add($"escalations[{i}].afterBreachMinutes", "must be whole minutes between 0 and 525600.");
            }

            if (level.Actions is not { Count: > 0 } || level.Actions.Count > MaxActionsPerLevel)
            {
                errors.Add($"escalations[{i}].actions", $"must contain between 1 and {MaxActionsPerLevel} actions.");
                continue;
            }

            for (var j = 0; j < level.Actions.Count; j++)
            {
                var action = level.Actions[j];
                var field = $"escalations[{i}].actions[{j}]";
                if (action is null || !Enum.IsDefined(action.Kind))
                {
                    errors.Add(field, "must be notify_supervisor, raise_priority, reassign or run_rule.");
                    continue;
                }

                var problem = action.Kind switch
                {
                    EscalationActionKind.NotifySupervisor or EscalationActionKind.RaisePriority => null,
                    EscalationActionKind.Reassign => action.TeamId is null && action.AgentId is null ? "reassign needs a teamId or an agentId." : null,
                    EscalationActionKind.RunRule => action.RuleId is null ? "run_rule needs a ruleId." : null,
                };
                if (problem is not null)
                {
                    errors.Add(field, problem);
                }
            }
        }

        return errors;
    }

    private static void CheckDefined<T>(FieldErrors errors, string field, IReadOnlyList<T>? values)
        where T : struct, Enum
    {
        for (var i = 0; i < (values?.Count ?? 0); i++)
        {
            if (!Enum.IsDefined(values![i]))
            {
                errors.Add($"{field}[{i}]", "is not a known value.");
            }
        }
    }

    private static void CheckTarget(FieldErrors errors, string field, TimeSpan? target)
    {
        if (target is { } t && (t < TimeSpan.Zero || t > MaxTarget || t.Ticks % TimeSpan.TicksPerMinute != 0))
        {
            errors.Add(field, "must be whole minutes between 0 and 525600.");
        }
    }

    private static TimeSpan? Minutes(int? minutes) => minutes is { } m ? TimeSpan.FromMinutes(m) : null;

    private static int? ToMinutes(TimeSpan? span) => span is { } s ? (int)s.TotalMinutes : null;
}
