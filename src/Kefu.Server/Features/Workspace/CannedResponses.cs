using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Workspace;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Workspace;

public sealed record CannedResponseDto(
    Guid Id, string Shortcut, string Title, string Body, CannedScope Scope, Guid? TeamId, Guid? OwnerId, bool CanManage, DateTimeOffset UpdatedAt)
{
    public static CannedResponseDto From(CannedResponse c, ConversationViewer viewer) => new(
        c.Id, c.Shortcut, c.Title, c.Body, CannedAccess.ScopeOf(c.TeamId, c.OwnerId), c.TeamId, c.OwnerId,
        CannedAccess.CanManage(viewer.Role, viewer.AgentId, viewer.TeamIds, c.TeamId, c.OwnerId), c.UpdatedAt);
}

/// <summary>What a canned response says and where it is shared (a team id for Team scope).</summary>
public sealed record CannedResponseInput(string? Shortcut, string? Title, string? Body, CannedScope Scope, Guid? TeamId);

/// <summary>
/// Listing, creating, changing and deleting canned responses with the access rule of <see cref="CannedAccess"/>.
/// Shared by the canned responses page and the composer (an API can use the same steps).
/// </summary>
public static class CannedResponseCommands
{
    /// <summary>What the viewer may use (composer) or, with <paramref name="includeManageable"/>, also manage (the page).</summary>
    public static async Task<List<CannedResponseDto>> ListAsync(KefuDbContext db, ConversationViewer viewer, bool includeManageable, CancellationToken ct)
    {
        var me = viewer.AgentId;
        var teams = viewer.TeamIds;
        var admin = viewer.Role == Core.Agents.AgentRole.Admin && includeManageable;
        // The SQL keeps what may be usable or manageable; the Core rule decides exactly.
        var rows = await db.CannedResponses.AsNoTracking()
            .Where(c => c.OwnerId == me || (c.OwnerId == null && (c.TeamId == null || admin || teams.Contains(c.TeamId.Value))))
            .OrderBy(c => c.Shortcut).ThenBy(c => c.Id)
            .ToListAsync(ct);
        return rows
            .Where(c => includeManageable
                ? CannedAccess.CanSee(viewer.Role, me, teams, c.TeamId, c.OwnerId)
                : CannedAccess.CanUse(me, teams, c.TeamId, c.OwnerId))
            .Select(c => CannedResponseDto.From(c, viewer))
            .ToList();
    }

    public static async Task<Result<CannedResponseDto>> CreateAsync(
        KefuDbContext db, ConversationViewer viewer, Actor actor, DateTimeOffset now, CannedResponseInput input, CancellationToken ct)
    {
        var (teamId, ownerId, scopeError) = await ResolveScopeAsync(db, viewer, input, ct);
        if (scopeError is not null)
        {
            return scopeError;
        }

        var created = CannedResponse.Create(Guid.CreateVersion7(now), input.Shortcut, input.Title, input.Body, teamId, ownerId, now);
        if (!created.IsOk)
        {
            return created.Error!;
        }

        db.CannedResponses.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(actor, now, "canned_response", created.Value.Id, "created", new("shortcut", null, created.Value.Shortcut)));
        await db.SaveChangesAsync(ct);
        return CannedResponseDto.From(created.Value, viewer);
    }

    /// <summary>Changes the text; the scope of an existing response stays (delete and create to move it).</summary>
    public static async Task<Result<CannedResponseDto>> UpdateAsync(
        KefuDbContext db, ConversationViewer viewer, Actor actor, DateTimeOffset now, Guid id, CannedResponseInput input, CancellationToken ct)
    {
        var response = await FindManageableAsync(db, viewer, id, ct);
        if (!response.IsOk)
        {
            return response.Error!;
        }

        var changes = response.Value.Update(input.Shortcut, input.Title, input.Body, now);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "canned_response", id, changes.Value.Where(c => c.Field != "body").ToList()));
        await db.SaveChangesAsync(ct);
        return CannedResponseDto.From(response.Value, viewer);
    }

    public static async Task<Result<bool>> DeleteAsync(KefuDbContext db, ConversationViewer viewer, Actor actor, DateTimeOffset now, Guid id, CancellationToken ct)
    {
        var response = await FindManageableAsync(db, viewer, id, ct);
        if (!response.IsOk)
        {
            return response.Error!;
        }

        db.CannedResponses.Remove(response.Value);
        db.Activities.Add(ActivityEntry.Create(actor, now, "canned_response", id, "deleted", new("shortcut", response.Value.Shortcut, null)));
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The values of <see cref="CannedVariables"/> for one conversation, as the agent replying sees it.</summary>
    public static IReadOnlyDictionary<string, string?> Variables(ConversationDto conversation, CannedCustomer? customer, string agentName) =>
        new Dictionary<string, string?>
        {
            ["customer.name"] = customer?.Name ?? conversation.CustomerName,
            ["customer.email"] = customer?.Email,
            ["agent.name"] = agentName,
            ["conversation.number"] = conversation.Display,
            ["conversation.subject"] = conversation.Subject,
        };

    private static async Task<(Guid? TeamId, Guid? OwnerId, Error? Error)> ResolveScopeAsync(
        KefuDbContext db, ConversationViewer viewer, CannedResponseInput input, CancellationToken ct)
    {
        var (teamId, ownerId) = input.Scope switch
        {
            CannedScope.Personal => ((Guid?)null, (Guid?)viewer.AgentId),
            CannedScope.Team => (input.TeamId, null),
            CannedScope.Global => (null, null),
        };
        if (input.Scope == CannedScope.Team)
        {
            if (teamId is null)
            {
                return (null, null, Invalid.Field("teamId", "is required for a team response."));
            }

            if (!await db.Teams.AnyAsync(t => t.Id == teamId, ct))
            {
                return (null, null, Invalid.Field("teamId", $"no team has the id {teamId}."));
            }
        }

        return CannedAccess.CanManage(viewer.Role, viewer.AgentId, viewer.TeamIds, teamId, ownerId)
            ? (teamId, ownerId, null)
            : (null, null, new Forbidden(input.Scope == CannedScope.Global
                ? "Only admins may create responses for everyone."
                : "Only supervisors of the team and admins may create responses for a team."));
    }

    private static async Task<Result<CannedResponse>> FindManageableAsync(KefuDbContext db, ConversationViewer viewer, Guid id, CancellationToken ct)
    {
        var response = await db.CannedResponses.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (response is null || !CannedAccess.CanSee(viewer.Role, viewer.AgentId, viewer.TeamIds, response.TeamId, response.OwnerId))
        {
            return new NotFound("Canned response", id.ToString());
        }

        return CannedAccess.CanManage(viewer.Role, viewer.AgentId, viewer.TeamIds, response.TeamId, response.OwnerId)
            ? response
            : new Forbidden("You may use this response but not change it.");
    }
}

/// <summary>The customer facts canned responses may use.</summary>
public sealed record CannedCustomer(string? Name, string? Email)
{
    public static CannedCustomer From(Customers.CustomerDto c) =>
        new(c.DisplayName, c.Identities.FirstOrDefault(i => i.Kind == IdentityKind.Email)?.Value);
}
