using Kefu.Core.Agents;
using Kefu.Core.Tickets;

namespace Kefu.Core.Routing;

public enum RoutingStrategy
{
    /// <summary>Take turns: the eligible agent assigned longest ago (or never) goes next.</summary>
    RoundRobin,

    /// <summary>The eligible agent with the fewest open conversations on the channel (most room as tie-break).</summary>
    LeastLoaded,
}

/// <summary>
/// How one team hands out work and where it overflows to. <see cref="MatchSkills"/> and <see cref="MatchLanguage"/>
/// narrow the pool to agents with the category's skill / the customer's language when someone fits; the strategy orders what is left.
/// </summary>
public sealed record TeamRouting(
    Guid TeamId, RoutingStrategy Strategy = RoutingStrategy.LeastLoaded, Guid? OverflowTeamId = null, TimeSpan? OverflowAfter = null,
    bool MatchSkills = true, bool MatchLanguage = true);

/// <summary>
/// The workspace's routing rules (data an admin edits). Team choice: the conversation's own team, else the VIP team
/// for a VIP, else the team of its category (skills match), else the default team; null everywhere routes among all agents.
/// </summary>
public sealed record RoutingSettings(
    IReadOnlyDictionary<Guid, Guid> CategoryTeams,
    IReadOnlyDictionary<Guid, string> CategorySkills,
    Guid? VipTeamId = null,
    Guid? DefaultTeamId = null,
    bool MatchLanguage = true,
    bool ReturnToPreviousAgent = true,
    IReadOnlyList<TeamRouting>? Teams = null,
    RoutingStrategy DefaultStrategy = RoutingStrategy.LeastLoaded)
{
    public static readonly RoutingSettings Default = new(new Dictionary<Guid, Guid>(), new Dictionary<Guid, string>());

    public TeamRouting For(Guid? teamId) =>
        Teams?.FirstOrDefault(t => t.TeamId == teamId) ?? new TeamRouting(teamId ?? Guid.Empty, DefaultStrategy);
}

/// <summary>An agent as routing sees them at one instant, on the conversation's channel.</summary>
public sealed record RoutingAgent(
    Guid Id,
    bool Available,
    IReadOnlyCollection<Guid> TeamIds,
    IReadOnlyCollection<string> Skills,
    IReadOnlyCollection<string> Languages,
    int? Capacity,
    int Load,
    DateTimeOffset? LastAssignedAt)
{
    public bool HasRoom => Capacity is null || Load < Capacity;

    public static RoutingAgent From(Agent agent, Channel channel, int load, DateTimeOffset? lastAssignedAt, DateTimeOffset now) =>
        new(agent.Id, agent.IsAvailable(now), agent.TeamIds, agent.Skills, [.. agent.Languages, agent.Language], agent.CapacityFor(channel), load, lastAssignedAt);

    public bool Speaks(string language) =>
        Languages.Any(l => Primary(l) == Primary(language));

    internal static string Primary(string language) => language.Split('-', '_')[0].ToLowerInvariant();
}

/// <summary>The conversation to place. <see cref="Excluded"/>: agents who already had it offered (timed out or declined).</summary>
public sealed record RoutingRequest(
    Channel Channel,
    Guid? CategoryId,
    string? Language,
    bool Vip,
    Guid? TeamId,
    Guid? PreviousAgentId,
    DateTimeOffset WaitingSince,
    IReadOnlyCollection<Guid>? Excluded = null);

public enum RoutingReason
{
    PreviousAgent,
    ConversationTeam,
    VipTeam,
    CategoryTeam,
    DefaultTeam,
    AllAgents,
    Overflow,

    /// <summary>An agent or supervisor transferred the conversation by hand (with a handover note).</summary>
    Transfer,
}

/// <summary>Where a conversation goes: an agent, or (AgentId null) the queue of a team. Reasons are shown in the offer history.</summary>
public sealed record RoutingDecision(Guid? TeamId, Guid? AgentId, RoutingReason Reason, bool SkillMatched = false, bool LanguageMatched = false)
{
    public bool Queued => AgentId is null;
}

public static class Router
{
    /// <summary>Decides who gets a conversation now. Pure: the same inputs always give the same agent.</summary>
    public static RoutingDecision Route(RoutingRequest request, IReadOnlyList<RoutingAgent> agents, RoutingSettings settings, DateTimeOffset now)
    {
        var excluded = request.Excluded ?? [];
        bool Eligible(RoutingAgent a) => a.Available && a.HasRoom && !excluded.Contains(a.Id);

        var (teamId, reason) = TeamFor(request, settings);

        // A returning customer goes back to the agent they spoke to, when that agent can take them now.
        if (settings.ReturnToPreviousAgent && request.PreviousAgentId is { } previous
            && agents.FirstOrDefault(a => a.Id == previous) is { } known && Eligible(known))
        {
            return new RoutingDecision(teamId is { } t && known.TeamIds.Contains(t) ? t : teamId, known.Id, RoutingReason.PreviousAgent);
        }

        var team = settings.For(teamId);
        if (Pick(request, agents.Where(a => Eligible(a) && (teamId is null || a.TeamIds.Contains(teamId.Value))), team, settings) is { } chosen)
        {
            return new RoutingDecision(teamId, chosen.Agent.Id, reason, chosen.Skill, chosen.Language);
        }

        // Nobody in the team: after the configured wait, the overflow team may take it (or queue it).
        if (teamId is not null && team.OverflowTeamId is { } overflow && team.OverflowAfter is { } wait && now - request.WaitingSince >= wait)
        {
            var overflowTeam = settings.For(overflow);
            var picked = Pick(request, agents.Where(a => Eligible(a) && a.TeamIds.Contains(overflow)), overflowTeam, settings);
            return new RoutingDecision(overflow, picked?.Agent.Id, RoutingReason.Overflow, picked?.Skill ?? false, picked?.Language ?? false);
        }

        return new RoutingDecision(teamId, null, reason);
    }

    /// <summary>When the conversation would overflow if still unassigned (for scheduling the next routing attempt); null if never.</summary>
    public static DateTimeOffset? OverflowAt(RoutingRequest request, RoutingSettings settings)
    {
        var (teamId, _) = TeamFor(request, settings);
        var team = settings.For(teamId);
        return teamId is not null && team.OverflowTeamId is not null && team.OverflowAfter is { } wait ? request.WaitingSince + wait : null;
    }

    /// <summary>The team whose agents and rules decide: the conversation's own, else VIP, else the category's, else the default.</summary>
    public static (Guid? TeamId, RoutingReason Reason) TeamFor(RoutingRequest request, RoutingSettings settings) =>
        request.TeamId is { } own ? (own, RoutingReason.ConversationTeam)
        : request.Vip && settings.VipTeamId is { } vip ? (vip, RoutingReason.VipTeam)
        : request.CategoryId is { } category && settings.CategoryTeams.TryGetValue(category, out var byCategory) ? (byCategory, RoutingReason.CategoryTeam)
        : settings.DefaultTeamId is { } fallback ? (fallback, RoutingReason.DefaultTeam)
        : (null, RoutingReason.AllAgents);

    /// <summary>Skill and language narrow the pool when someone fits (else everyone eligible stays); the strategy orders what is left.</summary>
    private static (RoutingAgent Agent, bool Skill, bool Language)? Pick(RoutingRequest request, IEnumerable<RoutingAgent> eligible, TeamRouting team, RoutingSettings settings)
    {
        var pool = eligible.ToList();
        if (pool.Count == 0)
        {
            return null;
        }

        var skillMatched = false;
        if (team.MatchSkills && request.CategoryId is { } category && settings.CategorySkills.TryGetValue(category, out var skill))
        {
            var skilled = pool.Where(a => a.Skills.Contains(skill, StringComparer.OrdinalIgnoreCase)).ToList();
            if (skilled.Count > 0)
            {
                pool = skilled;
                skillMatched = true;
            }
        }

        var languageMatched = false;
        if (settings.MatchLanguage && team.MatchLanguage && !string.IsNullOrWhiteSpace(request.Language))
        {
            var speakers = pool.Where(a => a.Speaks(request.Language)).ToList();
            if (speakers.Count > 0)
            {
                pool = speakers;
                languageMatched = true;
            }
        }

        var ordered = team.Strategy switch
        {
            RoutingStrategy.RoundRobin => pool.OrderBy(a => a.LastAssignedAt ?? DateTimeOffset.MinValue).ThenBy(a => a.Load),
            RoutingStrategy.LeastLoaded => pool.OrderBy(a => a.Load).ThenByDescending(a => a.Capacity ?? int.MaxValue).ThenBy(a => a.LastAssignedAt ?? DateTimeOffset.MinValue),
        };
        return (ordered.ThenBy(a => a.Id).First(), skillMatched, languageMatched);
    }
}
