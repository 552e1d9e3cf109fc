using System.Globalization;
using Kefu.Core.Common;
using Kefu.Core.Tickets;

namespace Kefu.Core.Automation;

/// <summary>Which operators and values each condition field and action accepts; values are normalised on save.</summary>
public static class RuleValidation
{
    public static readonly string[] NotifyTargets = ["assignee", "team", "admins"];
    public static readonly string[] BusinessHoursValues = ["open", "closed"];

    public static void Check(Condition c, AutomationTrigger? trigger, string at, FieldErrors errors)
    {
        var values = c.Values ?? [];
        if (values.Count > AutomationRule.MaxValues)
        {
            errors.Add($"{at}.values", $"must contain at most {AutomationRule.MaxValues} values.");
            return;
        }

        var allowed = Operators(c.Field);
        if (!allowed.Contains(c.Operator))
        {
            errors.Add($"{at}.operator", $"must be one of: {string.Join(", ", allowed.Select(WireName.Of))} for {WireName.Of(c.Field)}.");
            return;
        }

        if (c.Field == ConditionField.Attribute && string.IsNullOrWhiteSpace(c.Key))
        {
            errors.Add($"{at}.key", "is required: the name of the customer attribute.");
        }

        if (c.Field is ConditionField.HoursInStatus or ConditionField.HoursSinceLastMessage && trigger is not null and not AutomationTrigger.Time)
        {
            errors.Add($"{at}.field", "hours conditions belong to time rules (trigger time).");
        }

        if (c.Operator is ConditionOperator.IsEmpty or ConditionOperator.IsNotEmpty)
        {
            if (values.Count > 0)
            {
                errors.Add($"{at}.values", "must be empty for is_empty and is_not_empty.");
            }

            return;
        }

        if (values.Count == 0 || values.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add($"{at}.values", "must contain at least one value, none of them empty.");
            return;
        }

        var problem = c.Field switch
        {
            ConditionField.Channel => EnumValues<Channel>(values),
            ConditionField.Priority => EnumValues<Priority>(values),
            ConditionField.Status => EnumValues<ConversationStatus>(values),
            ConditionField.Category or ConditionField.Team or ConditionField.Assignee => Ids(values),
            ConditionField.BusinessHours => values.Count == 1 && BusinessHoursValues.Contains(values[0].Trim().ToLowerInvariant()) ? null : "must be one value: open or closed.",
            ConditionField.HoursInStatus or ConditionField.HoursSinceLastMessage => Hours(values),
            ConditionField.Sentiment => values.Count == 1 && double.TryParse(values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= -1 and <= 1
                ? null
                : "must be one number from -1 (negative) to 1 (positive).",
            ConditionField.SuggestedCategory => Ids(values),
            ConditionField.Tags or ConditionField.Segment or ConditionField.Text or ConditionField.Subject or ConditionField.Attribute =>
                values.Any(v => v.Length > Limits.AttributeValue) ? $"must each be at most {Limits.AttributeValue} characters." : null,
            _ => throw new ArgumentOutOfRangeException(nameof(c), c.Field, null),
        };
        if (problem is null && c.Field == ConditionField.Priority && c.Operator is ConditionOperator.AtLeast or ConditionOperator.AtMost && values.Count != 1)
        {
            problem = "must be one priority for at_least and at_most.";
        }

        if (problem is not null)
        {
            errors.Add($"{at}.values", problem);
        }
    }

    public static void Check(RuleAction a, string at, FieldErrors errors)
    {
        var values = a.Values ?? [];
        string? problem = a.Type switch
        {
            ActionType.AssignTeam or ActionType.AssignAgent or ActionType.SetCategory or ActionType.SendCannedReply =>
                values.Count == 1 ? Ids(values) : "must be exactly one id.",
            ActionType.Unassign or ActionType.RaisePriority or ActionType.AddNote => values.Count == 0 ? null : "must be empty for this action.",
            ActionType.SetPriority => values.Count == 1 ? EnumValues<Priority>(values) : "must be exactly one priority.",
            ActionType.SetStatus => values.Count == 1
                ? EnumValues<ConversationStatus>(values) ?? (Parse<ConversationStatus>(values[0]) == ConversationStatus.New ? "cannot set a conversation back to new." : null)
                : "must be exactly one status.",
            ActionType.AddTags or ActionType.RemoveTags => values.Count == 0 ? "must contain at least one tag." : TagProblem(values),
            ActionType.Notify => values.Count == 0
                ? "must name who to notify: assignee, team, admins or agent ids."
                : values.All(v => NotifyTargets.Contains(v.Trim().ToLowerInvariant()) || Guid.TryParse(v, out _)) ? null : "must each be assignee, team, admins or an agent id.",
            ActionType.CallWebhook => values.Count == 1 && Uri.TryCreate(values[0].Trim(), UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && values[0].Length <= Limits.Url
                ? null
                : "must be exactly one absolute http(s) URL.",
            _ => throw new ArgumentOutOfRangeException(nameof(a), a.Type, null),
        };
        if (problem is not null)
        {
            errors.Add($"{at}.values", problem);
        }

        if (a.Type == ActionType.AddNote && string.IsNullOrWhiteSpace(a.Text))
        {
            errors.Add($"{at}.text", "is required: the note to add.");
        }

        errors.MaxLength($"{at}.text", a.Text, Limits.Description);
    }

    public static ConditionOperator[] Operators(ConditionField field) => field switch
    {
        ConditionField.Channel or ConditionField.Status or ConditionField.Segment => [ConditionOperator.Is, ConditionOperator.IsNot],
        ConditionField.Priority => [ConditionOperator.Is, ConditionOperator.IsNot, ConditionOperator.AtLeast, ConditionOperator.AtMost],
        ConditionField.Category or ConditionField.Team or ConditionField.Assignee or ConditionField.SuggestedCategory =>
            [ConditionOperator.Is, ConditionOperator.IsNot, ConditionOperator.IsEmpty, ConditionOperator.IsNotEmpty],
        ConditionField.Tags => [ConditionOperator.Contains, ConditionOperator.NotContains, ConditionOperator.IsEmpty, ConditionOperator.IsNotEmpty],
        ConditionField.Text or ConditionField.Subject => [ConditionOperator.Contains, ConditionOperator.NotContains],
        ConditionField.BusinessHours => [ConditionOperator.Is],
        ConditionField.Attribute => [ConditionOperator.Is, ConditionOperator.IsNot, ConditionOperator.Contains, ConditionOperator.NotContains, ConditionOperator.IsEmpty, ConditionOperator.IsNotEmpty],
        ConditionField.HoursInStatus or ConditionField.HoursSinceLastMessage or ConditionField.Sentiment => [ConditionOperator.AtLeast, ConditionOperator.AtMost],
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };

    internal static Condition Normalize(Condition c) => c with
    {
        Values = (c.Values ?? []).Select(v => v.Trim()).Select(v => c.Field is ConditionField.Tags or ConditionField.BusinessHours ? v.ToLowerInvariant() : v).ToList(),
        Key = string.IsNullOrWhiteSpace(c.Key) ? null : c.Key.Trim(),
    };

    internal static RuleAction Normalize(RuleAction a) => a with
    {
        Values = (a.Values ?? []).Select(v => v.Trim()).Select(v => a.Type is ActionType.AddTags or ActionType.RemoveTags or ActionType.Notify ? v.ToLowerInvariant() : v).ToList(),
        Text = string.IsNullOrWhiteSpace(a.Text) ? null : a.Text.Trim(),
    };

    public static T Parse<T>(string value)
        where T : struct, Enum =>
        Enum.GetValues<T>().First(v => string.Equals(WireName.Of(v), value.Trim(), StringComparison.OrdinalIgnoreCase));

    private static string? EnumValues<T>(IReadOnlyList<string> values)
        where T : struct, Enum =>
        values.All(v => Enum.GetValues<T>().Any(e => string.Equals(WireName.Of(e), v.Trim(), StringComparison.OrdinalIgnoreCase)))
            ? null
            : $"must each be one of: {string.Join(", ", Enum.GetValues<T>().Select(WireName.Of))}.";

    private static string? Ids(IReadOnlyList<string> values) => values.All(v => Guid.TryParse(v, out _)) ? null : "must each be an id (GUID).";

    private static string? Hours(IReadOnlyList<string> values) =>
        values.Count == 1 && double.TryParse(values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var h) && h > 0 && h <= 24 * 365
            ? null
            : "must be one number of hours, more than 0 and at most a year.";

    private static string? TagProblem(IReadOnlyList<string> values) =>
        new FieldErrors().Tags("values", values).ToError() is { } e ? string.Join(" ", e.Fields.SelectMany(f => f.Value)) : null;
}
