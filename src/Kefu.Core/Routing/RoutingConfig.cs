using Kefu.Core.Common;
using Kefu.Core.Tickets;

namespace Kefu.Core.Routing;

/// <summary>What an admin sends to change the workspace's routing; null leaves a part as it is.</summary>
public sealed record RoutingConfigDraft(
    bool? AutoAssign = null,
    RoutingStrategy? DefaultStrategy = null,
    Optional<Guid?> VipTeamId = default,
    Optional<Guid?> DefaultTeamId = default,
    bool? MatchLanguage = null,
    bool? ReturnToPreviousAgent = null,
    IReadOnlyDictionary<Guid, Guid>? CategoryTeams = null,
    IReadOnlyDictionary<Guid, string>? CategorySkills = null,
    IReadOnlyDictionary<Channel, int>? FirstResponseMinutes = null);

/// <summary>
/// The workspace's routing settings (one row, data an admin edits): whether new conversations are assigned
/// automatically, the VIP and default teams, category → team (skills match) and category → skill, and the
/// first-response timeouts per channel after which a conversation is re-offered.
/// </summary>
public sealed class RoutingConfig
{
    public const int RowId = 1;
    public const int MaxTimeoutMinutes = 24 * 60;

    private RoutingConfig()
    {
    }

    public int Id { get; private set; } = RowId;

    /// <summary>
    /// For conversations routed without a team rule (no team, or a team without its own routing): off leaves them in
    /// the queue until someone takes or assigns them. Teams switch it with <see cref="TeamRoutingRule.AutoAssign"/>.
    /// </summary>
    public bool AutoAssign { get; private set; }

    public RoutingStrategy DefaultStrategy { get; private set; } = RoutingStrategy.LeastLoaded;

    public Guid? VipTeamId { get; private set; }

    public Guid? DefaultTeamId { get; private set; }

    public bool MatchLanguage { get; private set; } = true;

    public bool ReturnToPreviousAgent { get; private set; } = true;

    public Dictionary<Guid, Guid> CategoryTeams { get; private set; } = [];

    public Dictionary<Guid, string> CategorySkills { get; private set; } = [];

    /// <summary>Business minutes an assignee has to answer before the conversation is re-offered; a channel not listed is never re-offered.</summary>
    public Dictionary<Channel, int> FirstResponseMinutes { get; private set; } = new() { [Channel.Chat] = 2 };

    public DateTimeOffset UpdatedAt { get; private set; }

    public int Version { get; private set; }

    public static RoutingConfig Default(DateTimeOffset now) => new() { UpdatedAt = now };

    public Result<IReadOnlyList<FieldChange>> Update(RoutingConfigDraft draft, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        foreach (var (category, skill) in draft.CategorySkills ?? new Dictionary<Guid, string>())
        {
            if (string.IsNullOrWhiteSpace(skill) || skill.Trim().Length > Limits.Tag)
            {
                errors.Add($"categorySkills.{category}", $"must be a skill name of 1 to {Limits.Tag} characters.");
            }
        }

        foreach (var (channel, minutes) in draft.FirstResponseMinutes ?? new Dictionary<Channel, int>())
        {
            if (minutes is < 1 or > MaxTimeoutMinutes)
            {
                errors.Add($"firstResponseMinutes.{WireName.Of(channel)}", $"must be between 1 and {MaxTimeoutMinutes} minutes.");
            }
        }

        if (draft.DefaultStrategy is { } strategy && !Enum.IsDefined(strategy))
        {
            errors.Add("defaultStrategy", "must be round_robin or least_loaded.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        void Set<T>(string field, T before, T after, Action<T> apply)
        {
            if (!EqualityComparer<T>.Default.Equals(before, after))
            {
                changes.Add(new FieldChange(field, before?.ToString(), after?.ToString()));
                apply(after);
            }
        }

        if (draft.AutoAssign is { } auto)
        {
            Set("autoAssign", AutoAssign, auto, v => AutoAssign = v);
        }

        if (draft.DefaultStrategy is { } s)
        {
            Set("defaultStrategy", DefaultStrategy, s, v => DefaultStrategy = v);
        }

        if (draft.VipTeamId.HasValue)
        {
            Set("vipTeamId", VipTeamId, draft.VipTeamId.Value, v => VipTeamId = v);
        }

        if (draft.DefaultTeamId.HasValue)
        {
            Set("defaultTeamId", DefaultTeamId, draft.DefaultTeamId.Value, v => DefaultTeamId = v);
        }

        if (draft.MatchLanguage is { } language)
        {
            Set("matchLanguage", MatchLanguage, language, v => MatchLanguage = v);
        }

        if (draft.ReturnToPreviousAgent is { } previous)
        {
            Set("returnToPreviousAgent", ReturnToPreviousAgent, previous, v => ReturnToPreviousAgent = v);
        }

        if (draft.CategoryTeams is { } teams)
        {
            CategoryTeams = teams.ToDictionary(t => t.Key, t => t.Value);
            changes.Add(new FieldChange("categoryTeams", null, CategoryTeams.Count.ToString()));
        }

        if (draft.CategorySkills is { } skills)
        {
            CategorySkills = skills.ToDictionary(t => t.Key, t => t.Value.Trim().ToLowerInvariant());
            changes.Add(new FieldChange("categorySkills", null, CategorySkills.Count.ToString()));
        }

        if (draft.FirstResponseMinutes is { } timeouts)
        {
            FirstResponseMinutes = timeouts.ToDictionary(t => t.Key, t => t.Value);
            changes.Add(new FieldChange("firstResponseMinutes", null, string.Join(",", FirstResponseMinutes.Select(t => $"{WireName.Of(t.Key)}={t.Value}"))));
        }

        if (changes.Count > 0)
        {
            UpdatedAt = now;
            Version++;
        }

        return changes;
    }

    /// <summary>The settings the pure <see cref="Router"/> decides with.</summary>
    public RoutingSettings ToSettings(IEnumerable<TeamRoutingRule> teams) => new(
        CategoryTeams, CategorySkills, VipTeamId, DefaultTeamId, MatchLanguage, ReturnToPreviousAgent,
        teams.Select(t => t.ToTeamRouting()).ToList(), DefaultStrategy);

    public ReofferSettings Reoffer() => new(FirstResponseMinutes.ToDictionary(t => t.Key, t => TimeSpan.FromMinutes(t.Value)));
}

/// <summary>One team's routing: the strategy that orders its agents, skill and language matching, and overflow.</summary>
public sealed class TeamRoutingRule
{
    public const int MaxOverflowMinutes = 24 * 60;

    private TeamRoutingRule()
    {
    }

    public Guid TeamId { get; private set; }

    public RoutingStrategy Strategy { get; private set; }

    /// <summary>New conversations of this team go to an agent at once (when one is online with room), else wait in its queue.</summary>
    public bool AutoAssign { get; private set; } = true;

    public bool MatchSkills { get; private set; } = true;

    public bool MatchLanguage { get; private set; } = true;

    public Guid? OverflowTeamId { get; private set; }

    public int? OverflowAfterMinutes { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static Result<TeamRoutingRule> Create(Guid teamId, bool? autoAssign, RoutingStrategy? strategy, bool? matchSkills, bool? matchLanguage, Guid? overflowTeamId, int? overflowAfterMinutes, DateTimeOffset now)
    {
        var rule = new TeamRoutingRule { TeamId = teamId };
        var set = rule.Set(autoAssign, strategy, matchSkills, matchLanguage, overflowTeamId, overflowAfterMinutes, now);
        return set.IsOk ? rule : set.Error!;
    }

    /// <summary>Replaces the team's routing (a PUT): absent flags default to on, absent strategy to least-loaded.</summary>
    public Result<TeamRoutingRule> Set(bool? autoAssign, RoutingStrategy? strategy, bool? matchSkills, bool? matchLanguage, Guid? overflowTeamId, int? overflowAfterMinutes, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (strategy is { } s && !Enum.IsDefined(s))
        {
            errors.Add("strategy", "must be round_robin or least_loaded.");
        }

        if (overflowTeamId == TeamId)
        {
            errors.Add("overflowTeamId", "must be another team.");
        }

        if (overflowTeamId is not null && overflowAfterMinutes is null)
        {
            errors.Add("overflowAfterMinutes", "is required with an overflow team.");
        }

        if (overflowAfterMinutes is { } wait && (wait < 0 || wait > MaxOverflowMinutes))
        {
            errors.Add("overflowAfterMinutes", $"must be between 0 and {MaxOverflowMinutes} minutes.");
        }

        if (overflowAfterMinutes is not null && overflowTeamId is null)
        {
            errors.Add("overflowTeamId", "is required with an overflow wait.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        AutoAssign = autoAssign ?? true;
        Strategy = strategy ?? RoutingStrategy.LeastLoaded;
        MatchSkills = matchSkills ?? true;
        MatchLanguage = matchLanguage ?? true;
        OverflowTeamId = overflowTeamId;
        OverflowAfterMinutes = overflowAfterMinutes;
        UpdatedAt = now;
        return this;
    }

    public TeamRouting ToTeamRouting() => new(TeamId, Strategy, OverflowTeamId,
        OverflowAfterMinutes is { } m ? TimeSpan.FromMinutes(m) : null, MatchSkills, MatchLanguage);
}

/// <summary>
/// A conversation's routing state: the team whose queue it waits in (<see cref="QueuedSince"/> set while it waits
/// for an agent) and the history of offers to agents, shown on the conversation.
/// </summary>
public sealed class ConversationRouting
{
    private ConversationRouting()
    {
    }

    public Guid ConversationId { get; private set; }

    public Guid? TeamId { get; private set; }

    public DateTimeOffset? QueuedSince { get; private set; }

    public List<RoutingOffer> Offers { get; private set; } = [];

    /// <summary>The agent of the latest offer and when (indexed: round-robin takes turns by it).</summary>
    public Guid? LastAgentId { get; private set; }

    public DateTimeOffset? LastOfferedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static ConversationRouting Create(Guid conversationId, DateTimeOffset now) => new() { ConversationId = conversationId, UpdatedAt = now };

    /// <summary>Nobody could take it: it waits in the team's queue (keeping the time it started waiting).</summary>
    public void Queue(Guid? teamId, DateTimeOffset since, DateTimeOffset now)
    {
        TeamId = teamId;
        QueuedSince ??= since;
        UpdatedAt = now;
    }

    /// <summary>Records an offer (closing a still pending one as withdrawn) and leaves the queue.</summary>
    public void Offer(RoutingOffer offer, DateTimeOffset now)
    {
        Offers = [.. FirstResponseTimeout.Withdrawn(Offers, now).TakeLast(FirstResponseTimeout.MaxOffers - 1), offer];
        TeamId = offer.TeamId ?? TeamId;
        QueuedSince = null;
        LastAgentId = offer.AgentId;
        LastOfferedAt = offer.OfferedAt;
        UpdatedAt = now;
    }

    public void SetOffers(IReadOnlyList<RoutingOffer> offers, DateTimeOffset now)
    {
        Offers = [.. offers];
        UpdatedAt = now;
    }

    /// <summary>Someone took or got the conversation outside routing, or it was closed: it no longer waits.</summary>
    public void Dequeue(DateTimeOffset now)
    {
        QueuedSince = null;
        UpdatedAt = now;
    }
}
