using Kefu.Core.Automation;
using Kefu.Core.Common;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Automation;

/// <summary>Writing rules, shared by the REST API and the admin page. A refused change writes nothing.</summary>
public static class AutomationCommands
{
    public static async Task<Result<AutomationRule>> CreateAsync(KefuDbContext db, Actor actor, DateTimeOffset now, RuleRequest request, CancellationToken ct)
    {
        var created = AutomationRule.Create(Guid.CreateVersion7(now), request.Name, request.Description, request.IsActive ?? true,
            request.Position ?? 0, request.Trigger, request.Match, request.Conditions, request.Actions, now);
        var errors = new FieldErrors().Include(created.Error);
        await CheckReferencesAsync(db, request, errors, ct);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        if (!created.IsOk)
        {
            return created.Error!;
        }

        db.AutomationRules.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(actor, now, "automation_rule", created.Value.Id, "created", new("name", null, created.Value.Name)));
        await db.SaveChangesAsync(ct);
        return created.Value;
    }

    public static async Task<Result<AutomationRule>> ReplaceAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, RuleRequest request, CancellationToken ct)
    {
        var rule = await db.AutomationRules.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return new NotFound("Rule", id.ToString());
        }

        var errors = new FieldErrors().Include(rule.Update(request.Name, request.Description, request.IsActive ?? true, request.Position ?? 0,
            request.Trigger, request.Match, request.Conditions, request.Actions, now));
        await CheckReferencesAsync(db, request, errors, ct);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        db.Activities.Add(ActivityEntry.Create(actor, now, "automation_rule", id, "updated", new("name", null, rule.Name)));
        await db.SaveChangesAsync(ct);
        return rule;
    }

    public static async Task<Error?> DeleteAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, CancellationToken ct)
    {
        var rule = await db.AutomationRules.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return new NotFound("Rule", id.ToString());
        }

        db.AutomationRules.Remove(rule);
        db.Activities.Add(ActivityEntry.Create(actor, now, "automation_rule", id, "deleted", new("name", rule.Name, null)));
        await db.SaveChangesAsync(ct);
        return null;
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
