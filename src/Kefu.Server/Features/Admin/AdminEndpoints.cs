using System.Security.Claims;
using Kefu.Core.Agents;
using Kefu.Core.Common;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Admin;

public sealed record TeamDto(Guid Id, string Name, string? Description, DateTimeOffset CreatedAt, int MemberCount);

public sealed record TeamRequest(string? Name, string? Description);

public sealed record CategoryDto(Guid Id, string Key, string NameEn, string NameZh, int Position, bool IsActive)
{
    public static CategoryDto From(Category c) => new(c.Id, c.Key, c.NameEn, c.NameZh, c.Position, c.IsActive);
}

public sealed record CategoryRequest(string? Key, string? NameEn, string? NameZh, int? Position, bool? IsActive);

/// <summary>Teams, agents and categories: everyone reads them, admins change them.</summary>
public static class AdminEndpoints
{
    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var teams = app.MapGroup("/api/v1/teams").WithTags("Teams");
        teams.MapGet("", ListTeams).RequireAuthorization(Policies.DirectoryRead).WithSummary("List teams.");
        teams.MapGet("/{id:guid}", GetTeam).RequireAuthorization(Policies.DirectoryRead).WithSummary("Get a team.");
        teams.MapPost("", CreateTeam).RequireAuthorization(Policies.Admin).WithSummary("Create a team (admins).");
        teams.MapPatch("/{id:guid}", UpdateTeam).RequireAuthorization(Policies.Admin).WithSummary("Rename or describe a team (admins).");
        teams.MapDelete("/{id:guid}", DeleteTeam).RequireAuthorization(Policies.Admin)
            .WithSummary("Delete a team (admins); refused while conversations belong to it. Members leave it.");

        var agents = app.MapGroup("/api/v1/agents").WithTags("Agents");
        agents.MapGet("", ListAgents).RequireAuthorization(Policies.DirectoryRead).WithSummary("List agents.");
        agents.MapGet("/me", Me).RequireAuthorization(Policies.DirectoryRead).WithSummary("The calling agent.");
        agents.MapPut("/me/signature", SetSignature).RequireAuthorization(Policies.ConversationsWrite)
            .WithSummary("Set or clear (null or empty) the calling agent's e-mail signature, used instead of the inbox's on their replies.");
        agents.MapGet("/{id:guid}", GetAgent).RequireAuthorization(Policies.DirectoryRead).WithSummary("Get an agent.");
        agents.MapPost("", CreateAgent).RequireAuthorization(Policies.Admin)
            .WithSummary("Create an agent (admins). Without a password, a one-time password is returned once and must be changed at first sign-in.");
        agents.MapPatch("/{id:guid}", UpdateAgent).RequireAuthorization(Policies.Admin)
            .WithSummary("Change an agent's name, role, teams, language, password or active state (admins).");
        agents.MapDelete("/{id:guid}", DeactivateAgent).RequireAuthorization(Policies.Admin)
            .WithSummary("Deactivate an agent (admins): they can no longer sign in; their history stays.");

        var categories = app.MapGroup("/api/v1/categories").WithTags("Categories");
        categories.MapGet("", ListCategories).RequireAuthorization(Policies.DirectoryRead).WithSummary("List categories in display order.");
        categories.MapPost("", CreateCategory).RequireAuthorization(Policies.Admin).WithSummary("Create a category (admins).");
        categories.MapPatch("/{id:guid}", UpdateCategory).RequireAuthorization(Policies.Admin).WithSummary("Rename, reorder or (de)activate a category (admins).");
        categories.MapDelete("/{id:guid}", DeleteCategory).RequireAuthorization(Policies.Admin)
            .WithSummary("Delete an unused category (admins); a used one is a 409: deactivate it instead.");
    }

    private static async Task<Ok<List<TeamDto>>> ListTeams(KefuDbContext db, CancellationToken ct)
    {
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        var agents = await db.Agents.AsNoTracking().Where(a => a.IsActive).Select(a => a.TeamIds).ToListAsync(ct);
        return TypedResults.Ok(teams.Select(t => new TeamDto(t.Id, t.Name, t.Description, t.CreatedAt, agents.Count(ids => ids.Contains(t.Id)))).ToList());
    }

    private static async Task<Results<Ok<TeamDto>, ProblemHttpResult>> GetTeam(Guid id, KefuDbContext db, CancellationToken ct)
    {
        var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        if (team is null)
        {
            return Problems.From(new NotFound("Team", id.ToString()));
        }

        var members = (await db.Agents.AsNoTracking().Where(a => a.IsActive).Select(a => a.TeamIds).ToListAsync(ct)).Count(ids => ids.Contains(id));
        return TypedResults.Ok(new TeamDto(team.Id, team.Name, team.Description, team.CreatedAt, members));
    }

    private static async Task<Results<Created<TeamDto>, ProblemHttpResult>> CreateTeam(
        TeamRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var created = Team.Create(Guid.CreateVersion7(now), request.Name, request.Description, now);
        if (!created.IsOk)
        {
            return Problems.From(created.Error!);
        }

        if (await db.Teams.AnyAsync(t => t.Name == created.Value.Name, ct))
        {
            return Problems.From(new Conflict($"A team named '{created.Value.Name}' already exists."));
        }

        db.Teams.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(user.ToActor(), now, "team", created.Value.Id, "created", new("name", null, created.Value.Name)));
        await db.SaveChangesAsync(ct);
        var t = created.Value;
        return TypedResults.Created($"/api/v1/teams/{t.Id}", new TeamDto(t.Id, t.Name, t.Description, t.CreatedAt, 0));
    }

    private static async Task<Results<Ok<TeamDto>, ProblemHttpResult>> UpdateTeam(
        Guid id, TeamRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (team is null)
        {
            return Problems.From(new NotFound("Team", id.ToString()));
        }

        var changes = team.Update(request.Name, request.Description);
        if (!changes.IsOk)
        {
            return Problems.From(changes.Error!);
        }

        if (await db.Teams.AnyAsync(t => t.Id != id && t.Name == team.Name, ct))
        {
            return Problems.From(new Conflict($"A team named '{team.Name}' already exists."));
        }

        db.Activities.AddRange(ActivityEntry.Updated(user.ToActor(), clock.GetUtcNow(), "team", id, changes.Value));
        await db.SaveChangesAsync(ct);
        return await GetTeam(id, db, ct);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteTeam(
        Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (team is null)
        {
            return Problems.From(new NotFound("Team", id.ToString()));
        }

        var used = await db.Conversations.CountAsync(c => c.TeamId == id, ct);
        if (used > 0)
        {
            return Problems.From(new Conflict($"{used} conversations belong to team '{team.Name}'; move them to another team first."));
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var member in await db.Agents.Where(a => a.TeamIds.Contains(id)).ToListAsync(ct))
        {
            member.LeaveTeam(id);
        }

        db.Teams.Remove(team);
        db.Activities.Add(ActivityEntry.Create(user.ToActor(), clock.GetUtcNow(), "team", id, "deleted", new("name", team.Name, null)));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<List<AgentDto>>> ListAgents(KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Agents.AsNoTracking().OrderBy(a => a.DisplayName).ToListAsync(ct)).Select(AgentDto.From).ToList());

    private static Task<Results<Ok<AgentDto>, ProblemHttpResult>> Me(ClaimsPrincipal user, KefuDbContext db, CancellationToken ct) =>
        GetAgent(user.AgentId(), db, ct);

    private static async Task<Results<Ok<AgentDto>, ProblemHttpResult>> SetSignature(
        SignatureRequest request, ClaimsPrincipal user, KefuDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var result = await AgentProfile.SetSignatureAsync(db, user.AgentId(), clock.GetUtcNow(), request.Signature, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<AgentDto>, ProblemHttpResult>> GetAgent(Guid id, KefuDbContext db, CancellationToken ct) =>
        await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) is { } agent
            ? TypedResults.Ok(AgentDto.From(agent))
            : Problems.From(new NotFound("Agent", id.ToString()));

    private static async Task<Results<Created<CreatedAgent>, ProblemHttpResult>> CreateAgent(
        CreateAgentRequest request, AgentAccounts accounts, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await accounts.CreateAsync(user.ToActor(), clock.GetUtcNow(), request, ct);
        return result.IsOk ? TypedResults.Created($"/api/v1/agents/{result.Value.Agent.Id}", result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<AgentDto>, ProblemHttpResult>> UpdateAgent(
        Guid id, UpdateAgentRequest request, AgentAccounts accounts, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await accounts.UpdateAsync(user.ToActor(), clock.GetUtcNow(), id, request, ct);
        return result.IsOk ? TypedResults.Ok(result.Value.Agent) : Problems.From(result.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeactivateAgent(
        Guid id, AgentAccounts accounts, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await accounts.UpdateAsync(user.ToActor(), clock.GetUtcNow(), id, new UpdateAgentRequest(null, null, null, null, false, null), ct);
        return result.IsOk ? TypedResults.NoContent() : Problems.From(result.Error!);
    }

    private static async Task<Ok<List<CategoryDto>>> ListCategories(KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Categories.AsNoTracking().OrderBy(c => c.Position).ThenBy(c => c.Key).ToListAsync(ct)).Select(CategoryDto.From).ToList());

    private static async Task<Results<Created<CategoryDto>, ProblemHttpResult>> CreateCategory(
        CategoryRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var position = request.Position ?? (await db.Categories.MaxAsync(c => (int?)c.Position, ct) ?? 0) + 1;
        var created = Category.Create(Guid.CreateVersion7(clock.GetUtcNow()), request.Key, request.NameEn, request.NameZh, position);
        if (!created.IsOk)
        {
            return Problems.From(created.Error!);
        }

        if (await db.Categories.AnyAsync(c => c.Key == created.Value.Key, ct))
        {
            return Problems.From(new Conflict($"A category with the key '{created.Value.Key}' already exists."));
        }

        db.Categories.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(user.ToActor(), clock.GetUtcNow(), "category", created.Value.Id, "created", new("key", null, created.Value.Key)));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/categories/{created.Value.Id}", CategoryDto.From(created.Value));
    }

    private static async Task<Results<Ok<CategoryDto>, ProblemHttpResult>> UpdateCategory(
        Guid id, CategoryRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var category = await db.Categories.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (category is null)
        {
            return Problems.From(new NotFound("Category", id.ToString()));
        }

        if (request.Key is not null && request.Key != category.Key)
        {
            return Problems.From(Invalid.Field("key", "cannot be changed: integrations and rules refer to it."));
        }

        var changes = category.Update(request.NameEn, request.NameZh, request.Position, request.IsActive);
        if (!changes.IsOk)
        {
            return Problems.From(changes.Error!);
        }

        db.Activities.AddRange(ActivityEntry.Updated(user.ToActor(), clock.GetUtcNow(), "category", id, changes.Value));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(CategoryDto.From(category));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteCategory(
        Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var category = await db.Categories.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (category is null)
        {
            return Problems.From(new NotFound("Category", id.ToString()));
        }

        var used = await db.Conversations.CountAsync(c => c.CategoryId == id, ct);
        if (used > 0)
        {
            return Problems.From(new Conflict($"{used} conversations use the category '{category.Key}'; deactivate it instead."));
        }

        db.Categories.Remove(category);
        db.Activities.Add(ActivityEntry.Create(user.ToActor(), clock.GetUtcNow(), "category", id, "deleted", new("key", category.Key, null)));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
