using System.Security.Claims;
using Kefu.Core.Automation;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Automation;

public sealed record RuleDto(
    Guid Id, string Name, string? Description, bool IsActive, int Position, AutomationTrigger Trigger, MatchMode Match,
    IReadOnlyList<Condition> Conditions, IReadOnlyList<RuleAction> Actions, bool Shipped, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static RuleDto From(AutomationRule r) =>
        new(r.Id, r.Name, r.Description, r.IsActive, r.Position, r.Trigger, r.Match, r.Conditions, r.Actions, r.SeedKey is not null, r.CreatedAt, r.UpdatedAt);
}

public sealed record RuleRequest(
    string? Name, string? Description, bool? IsActive, int? Position, AutomationTrigger? Trigger, MatchMode? Match,
    IReadOnlyList<Condition>? Conditions, IReadOnlyList<RuleAction>? Actions);

/// <summary>Automation rules: admins write them; changes made by rules are recorded with the rule as the actor.</summary>
public static class AutomationEndpoints
{
    public static void MapAutomationEndpoints(this IEndpointRouteBuilder app)
    {
        var rules = app.MapGroup("/api/v1/automation/rules").WithTags("Automation").RequireAuthorization(Policies.Admin);
        rules.MapGet("", List).WithSummary("Automation rules in the order they run (admins).");
        rules.MapGet("/{id:guid}", Get).WithSummary("One automation rule (admins).");
        rules.MapPost("", Create).WithSummary("Create a rule (admins): a trigger, conditions (all or any) and actions.");
        rules.MapPut("/{id:guid}", Replace).WithSummary("Replace a rule (admins).");
        rules.MapDelete("/{id:guid}", Delete).WithSummary("Delete a rule (admins). To pause it, set isActive to false instead.");
    }

    private static async Task<Ok<List<RuleDto>>> List(KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.AutomationRules.AsNoTracking().ToListAsync(ct))
            .OrderBy(r => r.Position).ThenBy(r => r.CreatedAt).Select(RuleDto.From).ToList());

    private static async Task<Results<Ok<RuleDto>, ProblemHttpResult>> Get(Guid id, KefuDbContext db, CancellationToken ct) =>
        await db.AutomationRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } rule
            ? TypedResults.Ok(RuleDto.From(rule))
            : Problems.From(new NotFound("Rule", id.ToString()));

    private static async Task<Results<Created<RuleDto>, ProblemHttpResult>> Create(
        RuleRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var created = await AutomationCommands.CreateAsync(db, user.ToActor(), clock.GetUtcNow(), request, ct);
        return created.IsOk
            ? TypedResults.Created($"/api/v1/automation/rules/{created.Value.Id}", RuleDto.From(created.Value))
            : Problems.From(created.Error!);
    }

    private static async Task<Results<Ok<RuleDto>, ProblemHttpResult>> Replace(
        Guid id, RuleRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var replaced = await AutomationCommands.ReplaceAsync(db, user.ToActor(), clock.GetUtcNow(), id, request, ct);
        return replaced.IsOk ? TypedResults.Ok(RuleDto.From(replaced.Value)) : Problems.From(replaced.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var deleted = await AutomationCommands.DeleteAsync(db, user.ToActor(), clock.GetUtcNow(), id, ct);
        return deleted is null ? TypedResults.NoContent() : Problems.From(deleted);
    }
}
