using System.Globalization;
using Kefu.Core.Common;
using Kefu.Core.Tickets;

namespace Kefu.Core.Automation;

/// <summary>What rules can test about a conversation at one moment, gathered by the caller.</summary>
public sealed record AutomationFacts(
    Channel Channel,
    Priority Priority,
    ConversationStatus Status,
    Guid? CategoryId,
    Guid? TeamId,
    Guid? AssigneeId,
    IReadOnlyCollection<string> Tags,
    IReadOnlyCollection<string> Segments,
    string Text,
    string Subject,
    bool InBusinessHours,
    IReadOnlyDictionary<string, string> Attributes,
    double HoursInStatus,
    double HoursSinceLastMessage,
    double? Sentiment = null,
    Guid? SuggestedCategoryId = null);

public sealed record RuleMatch(AutomationRule Rule, IReadOnlyList<RuleAction> Actions);

public static class Automation
{
    /// <summary>
    /// The rules that fire for a trigger, in position order. Nothing fires for a change automation made itself:
    /// that is what keeps rules from triggering each other in a loop.
    /// </summary>
    public static IReadOnlyList<RuleMatch> Evaluate(IEnumerable<AutomationRule> rules, AutomationTrigger trigger, AutomationFacts facts, Actor actor)
    {
        if (actor.Kind == ActorKind.Automation)
        {
            return [];
        }

        return rules.Where(r => r.IsActive && r.Trigger == trigger && Matches(r, facts))
            .OrderBy(r => r.Position).ThenBy(r => r.CreatedAt)
            .Select(r => new RuleMatch(r, r.Actions))
            .ToList();
    }

    public static bool Matches(AutomationRule rule, AutomationFacts facts) => rule.Conditions.Count == 0 || rule.Match switch
    {
        MatchMode.All => rule.Conditions.All(c => Holds(c, facts)),
        MatchMode.Any => rule.Conditions.Any(c => Holds(c, facts)),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Match, null),
    };

    public static bool Holds(Condition c, AutomationFacts f) => c.Field switch
    {
        ConditionField.Channel => IsOneOf(c, WireName.Of(f.Channel)),
        ConditionField.Status => IsOneOf(c, WireName.Of(f.Status)),
        ConditionField.Priority => c.Operator switch
        {
            ConditionOperator.AtLeast => f.Priority >= RuleValidation.Parse<Priority>(c.Values[0]),
            ConditionOperator.AtMost => f.Priority <= RuleValidation.Parse<Priority>(c.Values[0]),
            _ => IsOneOf(c, WireName.Of(f.Priority)),
        },
        ConditionField.Category => Reference(c, f.CategoryId),
        ConditionField.Team => Reference(c, f.TeamId),
        ConditionField.Assignee => Reference(c, f.AssigneeId),
        ConditionField.Tags => Set(c, f.Tags),
        ConditionField.Segment => c.Operator == ConditionOperator.Is
            ? c.Values.Any(v => f.Segments.Contains(v, StringComparer.OrdinalIgnoreCase))
            : !c.Values.Any(v => f.Segments.Contains(v, StringComparer.OrdinalIgnoreCase)),
        ConditionField.Text => Text(c, f.Text),
        ConditionField.Subject => Text(c, f.Subject),
        ConditionField.BusinessHours => f.InBusinessHours == (c.Values[0] == "open"),
        ConditionField.Attribute => Attribute(c, f.Attributes.TryGetValue(c.Key ?? "", out var value) ? value : null),
        ConditionField.HoursInStatus => Hours(c, f.HoursInStatus),
        ConditionField.HoursSinceLastMessage => Hours(c, f.HoursSinceLastMessage),
        ConditionField.Sentiment => f.Sentiment is { } sentiment && Hours(c, sentiment),
        ConditionField.SuggestedCategory => Reference(c, f.SuggestedCategoryId),
        _ => throw new ArgumentOutOfRangeException(nameof(c), c.Field, null),
    };

    private static bool IsOneOf(Condition c, string value)
    {
        var found = c.Values.Any(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase));
        return c.Operator == ConditionOperator.IsNot ? !found : found;
    }

    private static bool Reference(Condition c, Guid? id) => c.Operator switch
    {
        ConditionOperator.IsEmpty => id is null,
        ConditionOperator.IsNotEmpty => id is not null,
        ConditionOperator.IsNot => id is null || !c.Values.Any(v => Guid.Parse(v) == id),
        _ => id is not null && c.Values.Any(v => Guid.Parse(v) == id),
    };

    private static bool Set(Condition c, IReadOnlyCollection<string> tags) => c.Operator switch
    {
        ConditionOperator.IsEmpty => tags.Count == 0,
        ConditionOperator.IsNotEmpty => tags.Count > 0,
        ConditionOperator.NotContains => !c.Values.Any(v => tags.Contains(v, StringComparer.OrdinalIgnoreCase)),
        _ => c.Values.Any(v => tags.Contains(v, StringComparer.OrdinalIgnoreCase)),
    };

    private static bool Text(Condition c, string text)
    {
        var found = c.Values.Any(v => text.Contains(v, StringComparison.OrdinalIgnoreCase));
        return c.Operator == ConditionOperator.NotContains ? !found : found;
    }

    private static bool Attribute(Condition c, string? value) => c.Operator switch
    {
        ConditionOperator.IsEmpty => string.IsNullOrEmpty(value),
        ConditionOperator.IsNotEmpty => !string.IsNullOrEmpty(value),
        ConditionOperator.Is => value is not null && c.Values.Any(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase)),
        ConditionOperator.IsNot => value is null || !c.Values.Any(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase)),
        ConditionOperator.Contains => value is not null && c.Values.Any(v => value.Contains(v, StringComparison.OrdinalIgnoreCase)),
        _ => value is null || !c.Values.Any(v => value.Contains(v, StringComparison.OrdinalIgnoreCase)),
    };

    private static bool Hours(Condition c, double hours)
    {
        var limit = double.Parse(c.Values[0], CultureInfo.InvariantCulture);
        return c.Operator == ConditionOperator.AtMost ? hours <= limit : hours >= limit;
    }

    /// <summary>One level up, capped at urgent.</summary>
    public static Priority Raise(Priority p) => p switch
    {
        Priority.Low => Priority.Normal,
        Priority.Normal => Priority.High,
        Priority.High or Priority.Urgent => Priority.Urgent,
        _ => throw new ArgumentOutOfRangeException(nameof(p), p, null),
    };
}

/// <summary>What one rule's actions do to a conversation, worked out against its current state.</summary>
public sealed record AutomationPlan(
    ConversationPatch Patch,
    IReadOnlyList<Guid> CannedReplies,
    IReadOnlyList<string> Notes,
    IReadOnlyList<RuleAction> Notifications,
    IReadOnlyList<string> Webhooks)
{
    public static AutomationPlan For(IReadOnlyList<RuleAction> actions, Priority priority, IReadOnlyList<string> tags)
    {
        var patch = new ConversationPatch();
        var tagSet = tags.ToList();
        var tagsChanged = false;
        var canned = new List<Guid>();
        var notes = new List<string>();
        var notify = new List<RuleAction>();
        var hooks = new List<string>();
        foreach (var a in actions)
        {
            switch (a.Type)
            {
                case ActionType.AssignTeam:
                    patch = patch with { TeamId = (Guid?)Guid.Parse(a.Values[0]) };
                    break;
                case ActionType.AssignAgent:
                    patch = patch with { AssigneeId = (Guid?)Guid.Parse(a.Values[0]) };
                    break;
                case ActionType.Unassign:
                    patch = patch with { AssigneeId = (Guid?)null };
                    break;
                case ActionType.SetPriority:
                    priority = RuleValidation.Parse<Priority>(a.Values[0]);
                    patch = patch with { Priority = priority };
                    break;
                case ActionType.RaisePriority:
                    priority = Automation.Raise(priority);
                    patch = patch with { Priority = priority };
                    break;
                case ActionType.SetCategory:
                    patch = patch with { CategoryId = (Guid?)Guid.Parse(a.Values[0]) };
                    break;
                case ActionType.AddTags:
                    tagSet.AddRange(a.Values.Where(v => !tagSet.Contains(v, StringComparer.OrdinalIgnoreCase)));
                    tagsChanged = true;
                    break;
                case ActionType.RemoveTags:
                    tagSet.RemoveAll(t => a.Values.Contains(t, StringComparer.OrdinalIgnoreCase));
                    tagsChanged = true;
                    break;
                case ActionType.SetStatus:
                    patch = patch with { Status = RuleValidation.Parse<ConversationStatus>(a.Values[0]) };
                    break;
                case ActionType.SendCannedReply:
                    canned.Add(Guid.Parse(a.Values[0]));
                    break;
                case ActionType.AddNote:
                    notes.Add(a.Text ?? "");
                    break;
                case ActionType.Notify:
                    notify.Add(a);
                    break;
                case ActionType.CallWebhook:
                    hooks.Add(a.Values[0]);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(actions), a.Type, null);
            }
        }

        if (tagsChanged)
        {
            patch = patch with { Tags = tagSet };
        }

        return new AutomationPlan(patch, canned, notes, notify, hooks);
    }
}
