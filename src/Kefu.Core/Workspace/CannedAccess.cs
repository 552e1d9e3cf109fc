using Kefu.Core.Agents;

namespace Kefu.Core.Workspace;

/// <summary>Where a canned response is shared: one agent's own, one team's, or everyone's.</summary>
public enum CannedScope
{
    Personal,
    Team,
    Global,
}

/// <summary>
/// Who may use and who may change a canned response. Everyone may use global ones, team members their team's,
/// an agent their own. An agent manages their personal ones; supervisors manage the responses of their teams;
/// admins manage team and global ones. Nobody sees another agent's personal responses.
/// </summary>
public static class CannedAccess
{
    public static CannedScope ScopeOf(Guid? teamId, Guid? ownerId) =>
        ownerId is not null ? CannedScope.Personal : teamId is not null ? CannedScope.Team : CannedScope.Global;

    public static bool CanUse(Guid agentId, IReadOnlyCollection<Guid> teamIds, Guid? teamId, Guid? ownerId) => ScopeOf(teamId, ownerId) switch
    {
        CannedScope.Personal => ownerId == agentId,
        CannedScope.Team => teamIds.Contains(teamId!.Value),
        CannedScope.Global => true,
    };

    public static bool CanManage(AgentRole role, Guid agentId, IReadOnlyCollection<Guid> teamIds, Guid? teamId, Guid? ownerId) => ScopeOf(teamId, ownerId) switch
    {
        CannedScope.Personal => ownerId == agentId,
        CannedScope.Team => role == AgentRole.Admin || (role == AgentRole.Supervisor && teamIds.Contains(teamId!.Value)),
        CannedScope.Global => role == AgentRole.Admin,
    };

    /// <summary>What the canned responses page lists: what one may use, and what one may manage.</summary>
    public static bool CanSee(AgentRole role, Guid agentId, IReadOnlyCollection<Guid> teamIds, Guid? teamId, Guid? ownerId) =>
        CanUse(agentId, teamIds, teamId, ownerId) || CanManage(role, agentId, teamIds, teamId, ownerId);
}
