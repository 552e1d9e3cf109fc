using Kefu.Core.Automation;
using Kefu.Core.Common;

namespace Kefu.Core.Tests.Automation;

public sealed class RuleValidationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly RuleAction High = new(ActionType.SetPriority, ["high"]);

    private static Invalid Errors(AutomationTrigger? trigger, Condition[] conditions, RuleAction[] actions, string? name = "rule")
    {
        var created = AutomationRule.Create(Guid.NewGuid(), name, null, true, 0, trigger, MatchMode.All, conditions, actions, Now);
        Assert.False(created.IsOk);
        return Assert.IsType<Invalid>(created.Error);
    }

    public static TheoryData<Condition, string> BadConditions => new()
    {
        { new(ConditionField.Channel, ConditionOperator.Is, ["fax"]), "conditions[0].values" },
        { new(ConditionField.Channel, ConditionOperator.Contains, ["chat"]), "conditions[0].operator" },
        { new(ConditionField.Priority, ConditionOperator.AtLeast, ["high", "low"]), "conditions[0].values" },
        { new(ConditionField.Team, ConditionOperator.Is, ["not-a-guid"]), "conditions[0].values" },
        { new(ConditionField.Team, ConditionOperator.IsEmpty, ["x"]), "conditions[0].values" },
        { new(ConditionField.Text, ConditionOperator.Contains, []), "conditions[0].values" },
        { new(ConditionField.Text, ConditionOperator.Contains, [" "]), "conditions[0].values" },
        { new(ConditionField.BusinessHours, ConditionOperator.Is, ["sometimes"]), "conditions[0].values" },
        { new(ConditionField.Attribute, ConditionOperator.Is, ["gold"]), "conditions[0].key" },
        { new(ConditionField.HoursInStatus, ConditionOperator.AtLeast, ["72"]), "conditions[0].field" },
    };

    [Theory, MemberData(nameof(BadConditions))]
    public void Create_BadCondition_NamesTheField(Condition condition, string field) =>
        Assert.Contains(field, Errors(AutomationTrigger.MessageReceived, [condition], [High]).Fields.Keys);

    public static TheoryData<RuleAction, string> BadActions => new()
    {
        { new(ActionType.SetPriority, ["highest"]), "actions[0].values" },
        { new(ActionType.SetStatus, ["new"]), "actions[0].values" },
        { new(ActionType.AssignTeam, []), "actions[0].values" },
        { new(ActionType.AddTags, []), "actions[0].values" },
        { new(ActionType.AddTags, [new string('x', 51)]), "actions[0].values" },
        { new(ActionType.AddNote, []), "actions[0].text" },
        { new(ActionType.Notify, ["everyone"]), "actions[0].values" },
        { new(ActionType.CallWebhook, ["ftp://example.com/hook"]), "actions[0].values" },
        { new(ActionType.RaisePriority, ["x"]), "actions[0].values" },
    };

    [Theory, MemberData(nameof(BadActions))]
    public void Create_BadAction_NamesTheField(RuleAction action, string field) =>
        Assert.Contains(field, Errors(AutomationTrigger.MessageReceived, [], [action]).Fields.Keys);

    [Fact]
    public void Create_NoNameNoTriggerNoActions_AllReported()
    {
        var errors = Errors(null, [], [], name: " ");

        Assert.Contains("name", errors.Fields.Keys);
        Assert.Contains("trigger", errors.Fields.Keys);
        Assert.Contains("actions", errors.Fields.Keys);
    }

    [Fact]
    public void Create_TimeRuleWithoutHours_IsRefused() =>
        Assert.Contains("conditions", Errors(AutomationTrigger.Time, [new(ConditionField.Status, ConditionOperator.Is, ["pending"])], [High]).Fields.Keys);

    [Fact]
    public void Create_Valid_NormalisesValues()
    {
        var created = AutomationRule.Create(Guid.NewGuid(), "  VIP first ", null, true, 3, AutomationTrigger.ConversationCreated, null,
            [new(ConditionField.Tags, ConditionOperator.Contains, [" VIP "])], [new(ActionType.AddTags, [" Urgent-Review "]), new(ActionType.RaisePriority, [])], Now);

        Assert.True(created.IsOk, created.Error?.ToString());
        Assert.Equal("VIP first", created.Value.Name);
        Assert.Equal(MatchMode.All, created.Value.Match);
        Assert.Equal(["vip"], created.Value.Conditions[0].Values);
        Assert.Equal(["urgent-review"], created.Value.Actions[0].Values);
    }
}
