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
        var now = clock.GetUtcNow();
        var created = AutomationRule.Create(Guid.CreateVersion7(now), request.Name, request.Description, request.IsActive ?? true,
            request.Position ?? 0, request.Trigger, request.Match, request.Conditions, request.Actions, now);
        var errors = new FieldErrors().Include(created.Error);
        await CheckReferencesAsync(db, request, errors, ct);
        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        if (!created.IsOk)
        {
            return Problems.From(created.Error!);
        }

        db.AutomationRules.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(user.ToActor(), now, "automation_rule", created.Value.Id, "created", new("name", null, created.Value.Name)));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/automation/rules/{created.Value.Id}", RuleDto.From(created.Value));
    }

    private static async Task<Results<Ok<RuleDto>, ProblemHttpResult>> Replace(
        Guid id, RuleRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var rule = await db.AutomationRules.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return Problems.From(new NotFound("Rule", id.ToString()));
        }

        var now = clock.GetUtcNow();
        var errors = new FieldErrors().Include(rule.Update(request.Name, request.Description, request.IsActive ?? true, request.Position ?? 0,
            request.Trigger, request.Match, request.Conditions, request.Actions, now));
        await CheckReferencesAsync(db, request, errors, ct);
        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        db.Activities.Add(ActivityEntry.Create(user.ToActor(), now, "automation_rule", id, "updated", new("name", null, rule.Name)));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(RuleDto.From(rule));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var rule = await db.AutomationRules.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return Problems.From(new NotFound("Rule", id.ToString()));
        }

        db.AutomationRules.Remove(rule);
        db.Activities.Add(ActivityEntry.Create(user.ToActor(), clock.GetUtcNow(), "automation_rule", id, "deleted", new("name", rule.Name, null)));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Teams, agents, categories and canned replies named by conditions and actions must exist.</summary>
    private static async Task CheckReferencesAsync(KefuDbContext db, RuleRequest request, FieldErrors errors, CancellationToken ct)
    {
        async Task<bool> Exists(ConditionField? field, ActionType? action, Guid id) => (field, action) switch
        {
            (ConditionField.Team, _) or (_, ActionType.AssignTeam) => await db.Teams.AnyAsync(t => t.Id == id, ct),
            (ConditionField.Assignee, _) or (_, ActionType.AssignAgent) or (_, ActionType.Notify) => await db.Agents.AnyAsync(a => a.Id == id && a.IsActive, ct),
            (ConditionField.Category, _) or (_, ActionType.SetCategory) => await db.Categories.AnyAsync(c => c.Id == id, ct),
            (_, ActionType.SendCannedReply) => await db.CannedResponses.AnyAsync(c => c.Id == id && c.OwnerId == null, ct),
            _ => true,
        };

        var conditions = request.Conditions ?? [];
        for (var i = 0; i < conditions.Count; i++)
        {
            foreach (var value in conditions[i].Values ?? [])
            {
                if (Guid.TryParse(value, out var id) && !await Exists(conditions[i].Field, null, id))
                {
                    errors.Add($"conditions[{i}].values", $"nothing has the id {id}.");
                }
            }
        }

        var actions = request.Actions ?? [];
        for (var i = 0; i < actions.Count; i++)
        {
            foreach (var value in actions[i].Values ?? [])
            {
                if (Guid.TryParse(value, out var id) && !await Exists(null, actions[i].Type, id))
                {
                    errors.Add($"actions[{i}].values", actions[i].Type == ActionType.SendCannedReply
                        ? $"no shared canned response has the id {id} (personal ones cannot be sent by rules)."
                        : $"nothing has the id {id}.");
                }
            }
        }
    }
}
