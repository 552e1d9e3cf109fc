using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Workspace;

public static class Viewers
{
    /// <summary>
    /// The signed-in agent as the access rule sees them, read from the database rather than the cookie: a changed
    /// role or team applies at the next page load. Null for a missing or deactivated agent.
    /// </summary>
    public static async Task<ConversationViewer?> LoadAsync(KefuDbContext db, Guid agentId, CancellationToken ct)
    {
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId && a.IsActive, ct);
        return agent is null ? null : ConversationViewer.From(agent);
    }
}
