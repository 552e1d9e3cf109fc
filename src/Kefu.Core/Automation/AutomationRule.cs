using Kefu.Core.Common;
using Kefu.Core.Tickets;

namespace Kefu.Core.Automation;

/// <summary>What makes a rule look at a conversation.</summary>
public enum AutomationTrigger
{
    ConversationCreated,
    ConversationUpdated,
    StatusChanged,
    MessageReceived,
    SlaWarning,
    SlaBreached,

    /// <summary>Checked periodically (e.g. "pending for 72 hours"); fires once per conversation and state.</summary>
    Time,
}

public enum ConditionField
{
    Channel,
    Priority,
    Status,
    Category,
    Team,
    Assignee,
    Tags,
    Segment,

    /// <summary>The text of the message that triggered the rule (or the subject and last message for other triggers).</summary>
    Text,
    Subject,
    BusinessHours,

    /// <summary>A customer attribute, named by <see cref="Condition.Key"/>.</summary>
    Attribute,

    /// <summary>Hours since the conversation entered its current status (time rules).</summary>
    HoursInStatus,

    /// <summary>Hours since the last message of anyone (time rules).</summary>
    HoursSinceLastMessage,

    /// <summary>The sentiment of the customer's message, from -1 (negative) to 1 (positive): at_least / at_most.</summary>
    Sentiment,

    /// <summary>The category the assistant suggests for the customer's message.</summary>
    SuggestedCategory,
}

public enum ConditionOperator
{
    /// <summary>Equal to one of the values.</summary>
    Is,
    IsNot,

    /// <summary>Contains one of the values (tags: has one of them; text: a case-insensitive substring).</summary>
    Contains,
    NotContains,
    IsEmpty,
    IsNotEmpty,
    AtLeast,
    AtMost,
}

public enum ActionType
{
    AssignTeam,
    AssignAgent,
    Unassign,
    SetPriority,

    /// <summary>One level up (low → normal → high → urgent).</summary>
    RaisePriority,
    SetCategory,
    AddTags,
    RemoveTags,
    SetStatus,
    SendCannedReply,
    AddNote,

    /// <summary>Values: who ("assignee", "team", "admins" or agent ids); the text is in <see cref="RuleAction.Text"/>.</summary>
    Notify,
    CallWebhook,
}

public enum MatchMode
{
    All,
    Any,
}

/// <summary>One test on a conversation. <see cref="Values"/> are wire names, ids or numbers depending on the field.</summary>
public sealed record Condition(ConditionField Field, ConditionOperator Operator, IReadOnlyList<string> Values, string? Key = null);

public sealed record RuleAction(ActionType Type, IReadOnlyList<string> Values, string? Text = null);

/// <summary>
/// "When [trigger] and [all/any conditions], do [actions]." Rules run in <see cref="Position"/> order. Changes made by
/// automation never trigger automation, so rules cannot loop.
/// </summary>
public sealed class AutomationRule
{
    public const int MaxConditions = 20;
    public const int MaxActions = 20;
    public const int MaxValues = 50;

    private AutomationRule()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public string? Description { get; private set; }

    public bool IsActive { get; private set; }

    public int Position { get; private set; }

    public AutomationTrigger Trigger { get; private set; }

    public MatchMode Match { get; private set; }

    public List<Condition> Conditions { get; private set; } = [];

    public List<RuleAction> Actions { get; private set; } = [];

    /// <summary>Set for the rules Kefu ships (complaint → high, VIP → raise), so they are seeded once.</summary>
    public string? SeedKey { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static Result<AutomationRule> Create(
        Guid id, string? name, string? description, bool isActive, int position, AutomationTrigger? trigger, MatchMode? match,
        IReadOnlyList<Condition>? conditions, IReadOnlyList<RuleAction>? actions, DateTimeOffset now, string? seedKey = null)
    {
        var rule = new AutomationRule { Id = id, CreatedAt = now, SeedKey = seedKey };
        return rule.Set(name, description, isActive, position, trigger, match, conditions, actions, now) is { } error ? error : rule;
    }

    public Error? Update(
        string? name, string? description, bool isActive, int position, AutomationTrigger? trigger, MatchMode? match,
        IReadOnlyList<Condition>? conditions, IReadOnlyList<RuleAction>? actions, DateTimeOffset now) =>
        Set(name, description, isActive, position, trigger, match, conditions, actions, now);

    private Error? Set(
        string? name, string? description, bool isActive, int position, AutomationTrigger? trigger, MatchMode? match,
        IReadOnlyList<Condition>? conditions, IReadOnlyList<RuleAction>? actions, DateTimeOffset now)
    {
        var errors = new FieldErrors().Required("name", name, Limits.Name).MaxLength("description", description, Limits.Description);
        if (trigger is null)
        {
            errors.Add("trigger", "is required.");
        }

        if (position < 0)
        {
            errors.Add("position", "must be 0 or more.");
        }

        conditions ??= [];
        actions ??= [];
        if (conditions.Count > MaxConditions)
        {
            errors.Add("conditions", $"must contain at most {MaxConditions} conditions.");
        }

        for (var i = 0; i < conditions.Count; i++)
        {
            RuleValidation.Check(conditions[i], trigger, $"conditions[{i}]", errors);
        }

        if (actions.Count == 0)
        {
            errors.Add("actions", "must contain at least one action.");
        }
        else if (actions.Count > MaxActions)
        {
            errors.Add("actions", $"must contain at most {MaxActions} actions.");
        }

        for (var i = 0; i < actions.Count; i++)
        {
            RuleValidation.Check(actions[i], $"actions[{i}]", errors);
        }

        if (trigger == AutomationTrigger.Time && !conditions.Any(c => c.Field is ConditionField.HoursInStatus or ConditionField.HoursSinceLastMessage))
        {
            errors.Add("conditions", "a time rule needs an hours_in_status or hours_since_last_message condition (e.g. at least 72).");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        Name = name!.Trim();
        Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        IsActive = isActive;
        Position = position;
        Trigger = trigger!.Value;
        Match = match ?? MatchMode.All;
        Conditions = conditions.Select(RuleValidation.Normalize).ToList();
        Actions = actions.Select(RuleValidation.Normalize).ToList();
        UpdatedAt = now;
        return null;
    }
}
