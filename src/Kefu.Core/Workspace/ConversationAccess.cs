using Kefu.Core.Agents;
using Kefu.Core.Tickets;

namespace Kefu.Core.Workspace;

/// <summary>
/// Which conversations an agent may see and work. Supervisors and admins see everything; an agent sees what is
/// assigned to them, what belongs to one of their teams, and what is in no team yet (the shared queue).
/// </summary>
public static class ConversationAccess
{
    public static bool CanView(AgentRole role, Guid agentId, IReadOnlyCollection<Guid> teamIds, Guid? assigneeId, Guid? teamId) => role switch
    {
        AgentRole.Supervisor or AgentRole.Admin => true,
        AgentRole.Agent => assigneeId == agentId || teamId is null || teamIds.Contains(teamId.Value),
    };

    public static bool CanView(Agent agent, Conversation conversation) =>
        agent.IsActive && CanView(agent.Role, agent.Id, agent.TeamIds, conversation.AssigneeId, conversation.TeamId);
}
