using Kefu.Core.Automation;
using Kefu.Core.Common;
using Kefu.Core.Tickets;
using F = Kefu.Core.Automation.ConditionField;
using O = Kefu.Core.Automation.ConditionOperator;

namespace Kefu.Core.Tests.Automation;

public sealed class AutomationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 16, 59, 0, TimeSpan.Zero);
    private static readonly Guid TeamId = Guid.Parse("0a0a0a0a-0000-0000-0000-000000000001");
    private static readonly Actor Agent = Actor.Agent(Guid.NewGuid(), "Li Lei");
    private static readonly Actor Customer = new(ActorKind.Customer, Guid.NewGuid(), "王芳");

    private static AutomationFacts Facts(
        Channel channel = Channel.Email, Priority priority = Priority.Normal, ConversationStatus status = ConversationStatus.Open,
        string text = "", string[]? tags = null, string[]? segments = null, bool open = true, Guid? team = null,
        Dictionary<string, string>? attributes = null, double hoursInStatus = 0, double hoursSinceLast = 0) =>
        new(channel, priority, status, null, team, null, tags ?? [], segments ?? [], text, "订单问题", open,
            attributes ?? [], hoursInStatus, hoursSinceLast);

    private static AutomationRule Rule(AutomationTrigger trigger, Condition[] conditions, RuleAction[]? actions = null, MatchMode match = MatchMode.All, int position = 0, bool active = true)
    {
        var created = AutomationRule.Create(Guid.NewGuid(), "rule", null, active, position, trigger, match, conditions,
            actions ?? [new RuleAction(ActionType.SetPriority, ["high"])], Now);
        Assert.True(created.IsOk, created.Error?.ToString());
        return created.Value;
    }

    private static Condition C(F field, O op, params string[] values) => new(field, op, values);

    public static TheoryData<Condition, AutomationFacts, bool> Conditions => new()
    {
        { C(F.Channel, O.Is, "email", "chat"), Facts(channel: Channel.Email), true },
        { C(F.Channel, O.Is, "web_form"), Facts(channel: Channel.WebForm), true },
        { C(F.Channel, O.IsNot, "email"), Facts(channel: Channel.Email), false },
        { C(F.Priority, O.AtLeast, "high"), Facts(priority: Priority.Urgent), true },
        { C(F.Priority, O.AtLeast, "high"), Facts(priority: Priority.Normal), false },
        { C(F.Priority, O.AtMost, "normal"), Facts(priority: Priority.Low), true },
        { C(F.Status, O.Is, "on_hold"), Facts(status: ConversationStatus.OnHold), true },
        { C(F.Text, O.Contains, "投诉", "complaint"), Facts(text: "我要投诉你们的快递"), true },
        { C(F.Text, O.Contains, "COMPLAINT"), Facts(text: "This is a formal complaint."), true },
        { C(F.Text, O.NotContains, "投诉"), Facts(text: "请问什么时候发货"), true },
        { C(F.Tags, O.Contains, "vip", "refund"), Facts(tags: ["refund"]), true },
        { C(F.Tags, O.NotContains, "spam"), Facts(tags: ["spam"]), false },
        { C(F.Tags, O.IsEmpty), Facts(), true },
        { C(F.Segment, O.Is, "vip"), Facts(segments: ["VIP"]), true },
        { C(F.Segment, O.IsNot, "vip"), Facts(segments: []), true },
        { C(F.BusinessHours, O.Is, "closed"), Facts(open: false), true },
        { C(F.BusinessHours, O.Is, "open"), Facts(open: false), false },
        { C(F.Team, O.Is, TeamId.ToString()), Facts(team: TeamId), true },
        { C(F.Team, O.IsNot, TeamId.ToString()), Facts(team: null), true },
        { C(F.Team, O.IsEmpty), Facts(team: TeamId), false },
        { new Condition(F.Attribute, O.Is, ["gold"], "plan"), Facts(attributes: new() { ["plan"] = "Gold" }), true },
        { new Condition(F.Attribute, O.IsEmpty, [], "plan"), Facts(), true },
        { new Condition(F.Attribute, O.Contains, ["上海"], "city"), Facts(attributes: new() { ["city"] = "上海市" }), true },
    };

    [Theory, MemberData(nameof(Conditions))]
    public void Holds_ConditionTable(Condition condition, AutomationFacts facts, bool expected) =>
        Assert.Equal(expected, Kefu.Core.Automation.Automation.Holds(condition, facts));

    [Theory]
    [InlineData(71.9, false)]
    [InlineData(72, true)]
    [InlineData(100, true)]
    public void Evaluate_TimeRulePendingFor72Hours_FiresFromTheThreshold(double hours, bool fires)
    {
        var rule = Rule(AutomationTrigger.Time, [C(F.Status, O.Is, "pending"), C(F.HoursInStatus, O.AtLeast, "72")]);

        var matches = Kefu.Core.Automation.Automation.Evaluate([rule], AutomationTrigger.Time, Facts(status: ConversationStatus.Pending, hoursInStatus: hours), Actor.System);

        Assert.Equal(fires, matches.Count == 1);
    }

    [Fact]
    public void Evaluate_ChangeMadeByAutomation_FiresNothing()
    {
        var rule = Rule(AutomationTrigger.ConversationUpdated, []);

        Assert.Single(Kefu.Core.Automation.Automation.Evaluate([rule], AutomationTrigger.ConversationUpdated, Facts(), Agent));
        Assert.Empty(Kefu.Core.Automation.Automation.Evaluate([rule], AutomationTrigger.ConversationUpdated, Facts(), Actor.Rule(rule.Id, rule.Name)));
    }

    [Fact]
    public void Evaluate_OtherTriggerInactiveOrNotMatching_FiresNothing()
    {
        var complaint = C(F.Text, O.Contains, "投诉");
        var rules = new[]
        {
            Rule(AutomationTrigger.ConversationCreated, [complaint]),
            Rule(AutomationTrigger.MessageReceived, [complaint], active: false),
            Rule(AutomationTrigger.MessageReceived, [C(F.Channel, O.Is, "chat")]),
        };

        Assert.Empty(Kefu.Core.Automation.Automation.Evaluate(rules, AutomationTrigger.MessageReceived, Facts(text: "我要投诉"), Customer));
    }

    [Fact]
    public void Evaluate_SeveralMatch_InPositionOrder()
    {
        var second = Rule(AutomationTrigger.MessageReceived, [], [new RuleAction(ActionType.AddTags, ["b"])], position: 2);
        var first = Rule(AutomationTrigger.MessageReceived, [], [new RuleAction(ActionType.AddTags, ["a"])], position: 1);

        var matches = Kefu.Core.Automation.Automation.Evaluate([second, first], AutomationTrigger.MessageReceived, Facts(), Customer);

        Assert.Equal([first.Id, second.Id], matches.Select(m => m.Rule.Id));
    }

    [Theory]
    [InlineData(MatchMode.All, false)]
    [InlineData(MatchMode.Any, true)]
    public void Matches_AllOrAny(MatchMode mode, bool expected)
    {
        var rule = Rule(AutomationTrigger.MessageReceived, [C(F.Channel, O.Is, "chat"), C(F.Text, O.Contains, "退款")], match: mode);

        Assert.Equal(expected, Kefu.Core.Automation.Automation.Matches(rule, Facts(channel: Channel.Email, text: "我想退款")));
    }

    [Theory]
    [InlineData(Priority.Low, Priority.Normal)]
    [InlineData(Priority.Normal, Priority.High)]
    [InlineData(Priority.High, Priority.Urgent)]
    [InlineData(Priority.Urgent, Priority.Urgent)]
    public void Raise_OneLevelUpCappedAtUrgent(Priority from, Priority to) => Assert.Equal(to, Kefu.Core.Automation.Automation.Raise(from));
}
