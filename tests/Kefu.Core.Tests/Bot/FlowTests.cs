using System.Text.Json;
using Kefu.Core.Bot;
using Kefu.Core.Bot.Flows;

namespace Kefu.Core.Tests.Bot;

public sealed class FlowTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 18, 8, 0, 0, TimeSpan.Zero);
    private static readonly Guid Inbox = Guid.Parse("00000000-0000-0000-0000-0000000000a1");

    private static BotFlow OrderFlow(string url = "https://shop.test/api/orders/{{order_number}}", bool enabled = true, IReadOnlyList<Guid>? inboxes = null)
    {
        var t = FlowTemplates.OrderStatus();
        var steps = t.Steps!.Select(s => s.Kind == FlowStepKind.Lookup ? s with { Url = url } : s).ToList();
        var made = BotFlow.Create(Guid.NewGuid(), t with { Enabled = enabled, Steps = steps, InboxIds = inboxes ?? [] }, Now);
        Assert.True(made.IsOk, made.Error?.ToString());
        return made.Value;
    }

    [Theory]
    [InlineData(SlotType.OrderNumber, "我的订单号是 A20240518001 谢谢", "A20240518001")]
    [InlineData(SlotType.OrderNumber, "订单号：２０２４０５１８００１", "20240518001")]
    [InlineData(SlotType.OrderNumber, "so-10023", "SO-10023")]
    [InlineData(SlotType.OrderNumber, "我不知道", null)]
    [InlineData(SlotType.OrderNumber, "12", null)]
    [InlineData(SlotType.Phone, "手机 138 0013 8000", "13800138000")]
    [InlineData(SlotType.Phone, "+8613800138000", "+8613800138000")]
    [InlineData(SlotType.Phone, "没有手机", null)]
    [InlineData(SlotType.Email, "邮箱是 li.lei@example.cn 哦", "li.lei@example.cn")]
    [InlineData(SlotType.Email, "li.lei at example", null)]
    [InlineData(SlotType.Number, "大概 3.5 公斤", "3.5")]
    [InlineData(SlotType.Number, "三", null)]
    [InlineData(SlotType.Text, "  红色  ", "红色")]
    [InlineData(SlotType.Text, "   ", null)]
    public void Slots_Read_BuiltInTypesFindTheValueInASentence(SlotType type, string answer, string? expected) =>
        Assert.Equal(expected, Slots.Read(type, null, answer));

    [Theory]
    [InlineData(@"^\d{6}$", "123456", "123456")]
    [InlineData(@"^\d{6}$", "1234567", null)]
    [InlineData(@"会员号\s*(\w+)", "我的会员号 VIP88", "VIP88")]
    [InlineData(@"(", "anything", null)]
    public void Slots_Read_CustomPatternUsesItsFirstGroup(string pattern, string answer, string? expected) =>
        Assert.Equal(expected, Slots.Read(SlotType.Regex, pattern, answer));

    [Theory]
    [InlineData("status", "已发货")]
    [InlineData("$.status", "已发货")]
    [InlineData("order.eta", "5月20日")]
    [InlineData("items[1].name", "杯子")]
    [InlineData("count", "2")]
    [InlineData("paid", "true")]
    [InlineData("note", "第一行 第二行")]
    [InlineData("missing", null)]
    [InlineData("items[5].name", null)]
    [InlineData("nothing", null)]
    [InlineData("bad path", null)]
    public void FlowText_Read_JsonPaths(string path, string? expected)
    {
        using var doc = JsonDocument.Parse("""{"status":"已发货","order":{"eta":"5月20日"},"items":[{"name":"碗"},{"name":"杯子"}],"count":2,"paid":true,"note":"第一行\n第二行","nothing":null}""");
        Assert.Equal(expected, FlowText.Read(doc.RootElement, path));
    }

    [Fact]
    public void FlowText_Render_OnePassUnknownEmptyAndEncoded()
    {
        var values = new Dictionary<string, string> { ["a"] = "{{b}}", ["b"] = "x y/z" };
        Assert.Equal("{{b}} and x y/z and !", FlowText.Render("{{a}} and {{ b }} and {{c}}!", values));
        Assert.Equal("https://s/o/x%20y%2Fz", FlowText.Render("https://s/o/{{b}}", values, Uri.EscapeDataString));
        Assert.Equal(["a", "b"], FlowText.Names("{{a}}{{b}}{{a}}"));
    }

    [Theory]
    [InlineData("https://shop.test/api/orders/{{order_number}}", null)]
    [InlineData("http://127.0.0.1:5000/orders?id={{order_number}}", null)]
    [InlineData("https://shop.test/orders", null)]
    [InlineData("ftp://shop.test/{{order_number}}", "absolute http(s)")]
    [InlineData("/orders/{{order_number}}", "absolute http(s)")]
    [InlineData("https://{{order_number}}.shop.test/x", "absolute http(s)")]
    [InlineData("https://shop{{order_number}}/x", "never in the host")]
    [InlineData("https://shop.test/{{order number}}", "absolute http(s)")]
    public void UrlProblem_ValuesOnlyInPathOrQuery(string url, string? problem)
    {
        var found = BotFlow.UrlProblem(url);
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found);
        }
    }

    [Theory]
    [InlineData("no_name", "name")]
    [InlineData("no_steps", "steps")]
    [InlineData("enabled_without_trigger", "triggersZh")]
    [InlineData("duplicate_step", "steps[1].id")]
    [InlineData("bad_step_id", "steps[0].id")]
    [InlineData("unknown_next", "steps[0].next")]
    [InlineData("missing_prompt", "steps[0].promptZh")]
    [InlineData("bad_slot", "steps[0].slot")]
    [InlineData("bad_pattern", "steps[0].pattern")]
    [InlineData("attempts", "steps[0].maxAttempts")]
    [InlineData("unknown_slot_in_url", "steps[1].url")]
    [InlineData("bad_url", "steps[1].url")]
    [InlineData("enabled_without_url", "steps[1].url")]
    [InlineData("timeout", "steps[1].timeoutSeconds")]
    [InlineData("header", "steps[1].headerName")]
    [InlineData("mapping", "steps[1].map[0].path")]
    [InlineData("unknown_branch", "steps[1].onNotFound")]
    [InlineData("unknown_variable_in_reply", "steps[2].textZh")]
    [InlineData("empty_reply", "steps[2].textZh")]
    public void Validate_ReportsTheField(string scenario, string field)
    {
        var t = FlowTemplates.OrderStatus() with { Enabled = true };
        var s = t.Steps!.Select(x => x.Kind == FlowStepKind.Lookup ? x with { Url = "https://shop.test/o/{{order_number}}" } : x).ToList();
        var content = scenario switch
        {
            "no_name" => t with { Name = " " },
            "no_steps" => t with { Steps = [] },
            "enabled_without_trigger" => t with { TriggersZh = [], TriggersEn = [" "], Steps = s },
            "duplicate_step" => t with { Steps = [s[0], s[1] with { Id = "ask_order" }, s[2], s[3]] },
            "bad_step_id" => t with { Steps = [s[0] with { Id = "ask order" }, .. s[1..]] },
            "unknown_next" => t with { Steps = [s[0] with { Next = "nowhere" }, .. s[1..]] },
            "missing_prompt" => t with { Steps = [s[0] with { PromptZh = "", PromptEn = null }, .. s[1..]] },
            "bad_slot" => t with { Steps = [s[0] with { Slot = "order-number" }, .. s[1..]] },
            "bad_pattern" => t with { Steps = [s[0] with { SlotType = SlotType.Regex, Pattern = "([" }, .. s[1..]] },
            "attempts" => t with { Steps = [s[0] with { MaxAttempts = 0 }, .. s[1..]] },
            "unknown_slot_in_url" => t with { Steps = [s[0], s[1] with { Url = "https://shop.test/o/{{order_id}}" }, .. s[2..]] },
            "bad_url" => t with { Steps = [s[0], s[1] with { Url = "shop.test/o" }, .. s[2..]] },
            "enabled_without_url" => t,
            "timeout" => t with { Steps = [s[0], s[1] with { TimeoutSeconds = 90 }, .. s[2..]] },
            "header" => t with { Steps = [s[0], s[1] with { HeaderName = "X Api Key" }, .. s[2..]] },
            "mapping" => t with { Steps = [s[0], s[1] with { Map = [new("status", "a..b")] }, .. s[2..]] },
            "unknown_branch" => t with { Steps = [s[0], s[1] with { OnNotFound = "gone" }, .. s[2..]] },
            "unknown_variable_in_reply" => t with { Steps = [s[0], s[1], s[2] with { TextZh = "状态 {{state}}" }, s[3]] },
            "empty_reply" => t with { Steps = [s[0], s[1], s[2] with { TextZh = "", TextEn = " " }, s[3]] },
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

        var error = BotFlow.Validate(content).ToError();
        Assert.NotNull(error);
        Assert.Contains(field, error.Fields.Keys);
    }

    [Fact]
    public void Validate_Template_IsAValidDraftAndNeedsAUrlToEnable()
    {
        Assert.True(BotFlow.Validate(FlowTemplates.OrderStatus()).IsEmpty);
        Assert.Equal(["steps[1].url"], BotFlow.Validate(FlowTemplates.OrderStatus() with { Enabled = true }).ToError()!.Fields.Keys);
        Assert.True(BotFlow.Validate(OrderFlow().Content).IsEmpty);
    }

    [Fact]
    public void Machine_HappyPath_AsksLooksUpAndAnswers()
    {
        var flow = OrderFlow();
        var start = FlowMachine.Start(flow, "zh-CN", Now);
        Assert.Equal(FlowStatus.WaitingForAnswer, start.Status);
        Assert.Contains("订单号", Assert.Single(start.Replies));
        Assert.Equal("ask_order", start.Run!.StepId);

        var answered = FlowMachine.Answer(flow, start.Run, "订单号是 a20240518001", Now);
        Assert.Equal(FlowStatus.NeedsLookup, answered.Status);
        Assert.Equal("https://shop.test/api/orders/A20240518001", answered.Lookup!.Url);
        Assert.Equal((LookupMethod.Get, (string?)null), (answered.Lookup.Method, answered.Lookup.Body));

        var done = FlowMachine.AfterLookup(flow, answered.Run!, new(LookupStatus.Found, """{"status":"已发货 <b>快</b>","trackingNumber":"SF100"}"""), Now);
        Assert.Equal(FlowStatus.Completed, done.Status);
        Assert.Null(done.Run);
        // Values are plain text: the markup is kept as literal characters, never interpreted.
        Assert.Equal("订单 A20240518001 的状态：已发货 <b>快</b>。物流单号：SF100。还有其他问题可以继续问我。", Assert.Single(done.Replies));
    }

    [Fact]
    public void Machine_English_FallsBackPerText()
    {
        var flow = OrderFlow();
        var start = FlowMachine.Start(flow, "en", Now);
        Assert.StartsWith("Sure", start.Replies[0]);
        var answered = FlowMachine.Answer(flow, start.Run!, "A123456", Now);
        var done = FlowMachine.AfterLookup(flow, answered.Run!, new(LookupStatus.NotFound), Now);
        Assert.StartsWith("I couldn't find order A123456", done.Replies[0]);
    }

    [Fact]
    public void Machine_BadAnswers_RePromptThenHandOff()
    {
        var flow = OrderFlow();
        var run = FlowMachine.Start(flow, "zh-CN", Now).Run!;
        var first = FlowMachine.Answer(flow, run, "我不记得了", Now);
        Assert.Equal((FlowStatus.WaitingForAnswer, 1), (first.Status, first.Run!.Attempts));
        Assert.Contains("不太对", first.Replies[0]);
        var second = FlowMachine.Answer(flow, first.Run, "在邮件里", Now);
        Assert.Equal((FlowStatus.WaitingForAnswer, 2), (second.Status, second.Run!.Attempts));
        var third = FlowMachine.Answer(flow, second.Run, "找不到", Now);
        Assert.Equal((FlowStatus.HandOff, HandoffReason.FlowFailed), (third.Status, third.Handoff));
        Assert.Contains("no valid order_number after 3 attempts", third.Detail);
    }

    [Theory]
    [InlineData("取消", FlowStatus.Cancelled)]
    [InlineData("算了。", FlowStatus.Cancelled)]
    [InlineData("Cancel!", FlowStatus.Cancelled)]
    [InlineData("取消訂單怎麼操作", FlowStatus.WaitingForAnswer)]
    public void Machine_CancelWords_EndTheFlowOnlyAsTheWholeMessage(string text, FlowStatus status)
    {
        var flow = OrderFlow();
        var turn = FlowMachine.Answer(flow, FlowMachine.Start(flow, "zh-CN", Now).Run!, text, Now);
        Assert.Equal(status, turn.Status);
    }

    [Theory]
    [InlineData(LookupStatus.NotFound, null, "not_found", FlowStatus.Completed)]
    [InlineData(LookupStatus.Failed, null, null, FlowStatus.HandOff)]
    [InlineData(LookupStatus.Found, "not json", null, FlowStatus.HandOff)]
    public void Machine_LookupOutcomes_TakeTheirBranches(LookupStatus status, string? json, string? replyStep, FlowStatus expected)
    {
        var flow = OrderFlow();
        var answered = FlowMachine.Answer(flow, FlowMachine.Start(flow, "zh-CN", Now).Run!, "A123456", Now);
        var turn = FlowMachine.AfterLookup(flow, answered.Run!, new(status, json), Now);
        Assert.Equal(expected, turn.Status);
        if (replyStep == "not_found")
        {
            Assert.StartsWith("没有找到订单 A123456", turn.Replies[0]);
        }

        if (expected == FlowStatus.HandOff)
        {
            Assert.Equal(HandoffReason.FlowFailed, turn.Handoff);
            Assert.Contains("lookup_order failed", turn.Detail);
        }
    }

    [Fact]
    public void Machine_ErrorBranch_HandoffStepAndPost()
    {
        var content = new BotFlowContent("退款", true, [], ["退款进度"], [], null,
        [
            new FlowStep { Id = "phone", Kind = FlowStepKind.Ask, Slot = "phone", SlotType = SlotType.Phone, PromptZh = "请输入手机号" },
            new FlowStep { Id = "lookup", Kind = FlowStepKind.Lookup, Url = "https://shop.test/refunds", Method = LookupMethod.Post, HeaderName = "X-Api-Key", OnError = "sorry" },
            new FlowStep { Id = "done", Kind = FlowStepKind.Reply, TextZh = "已处理", Next = FlowStep.End },
            new FlowStep { Id = "sorry", Kind = FlowStepKind.Handoff, TextZh = "系统繁忙，{{phone}} 的退款由人工为您查询。", Reason = "refund_lookup_down" },
        ]);
        var flow = BotFlow.Create(Guid.NewGuid(), content, Now).Value;
        var asked = FlowMachine.Answer(flow, FlowMachine.Start(flow, "zh-CN", Now).Run!, "138-0013-8000", Now);
        Assert.Equal((LookupMethod.Post, """{"phone":"13800138000"}""", "X-Api-Key"), (asked.Lookup!.Method, asked.Lookup.Body, asked.Lookup.HeaderName));
        var failed = FlowMachine.AfterLookup(flow, asked.Run!, new(LookupStatus.Failed), Now);
        Assert.Equal((FlowStatus.HandOff, HandoffReason.FlowHandoff, "refund_lookup_down"), (failed.Status, failed.Handoff, failed.Detail));
        Assert.Equal("系统繁忙，13800138000 的退款由人工为您查询。", failed.HandoffMessage);
    }

    [Fact]
    public void Machine_StepsInACircle_HandOffInsteadOfLooping()
    {
        var content = new BotFlowContent("loop", false, [], ["loop"], [], null,
        [
            new FlowStep { Id = "a", Kind = FlowStepKind.Reply, TextEn = "a", Next = "b" },
            new FlowStep { Id = "b", Kind = FlowStepKind.Reply, TextEn = "b", Next = "a" },
        ]);
        var turn = FlowMachine.Start(BotFlow.Create(Guid.NewGuid(), content, Now).Value, "en", Now);
        Assert.Equal((FlowStatus.HandOff, HandoffReason.FlowFailed), (turn.Status, turn.Handoff));
        Assert.Equal(FlowMachine.MaxStepsPerRound, turn.Replies.Count);
    }

    [Fact]
    public void Machine_StepRemovedUnderTheRun_Abandons()
    {
        var flow = OrderFlow();
        var run = FlowMachine.Start(flow, "zh-CN", Now).Run! with { StepId = "gone" };
        Assert.Equal(FlowStatus.Abandoned, FlowMachine.Answer(flow, run, "A123456", Now).Status);
        Assert.Equal(FlowStatus.Abandoned, FlowMachine.AfterLookup(flow, run, new(LookupStatus.Found, "{}"), Now).Status);
    }

    [Theory]
    [InlineData("我的订单到哪了", "zh-CN", true)]
    [InlineData("我的訂單到哪了？", "zh-CN", true)]
    [InlineData("Where is my order??", "en", true)]
    [InlineData("where is my order", "zh-CN", true)]
    [InlineData("退货地址是哪里", "zh-CN", false)]
    public void Triggers_MatchPhrasesNormalized(string text, string language, bool starts)
    {
        var flow = OrderFlow();
        Assert.Equal(starts, FlowTriggers.Match([flow], Inbox, text, language) is not null);
    }

    [Fact]
    public void Triggers_OnlyEnabledFlowsOfTheInbox_LongestPhraseWins()
    {
        var other = Guid.NewGuid();
        Assert.Null(FlowTriggers.Match([OrderFlow(enabled: false)], Inbox, "查订单", "zh-CN"));
        Assert.Null(FlowTriggers.Match([OrderFlow(inboxes: [other])], Inbox, "查订单", "zh-CN"));
        Assert.NotNull(FlowTriggers.Match([OrderFlow(inboxes: [other, Inbox])], Inbox, "查订单", "zh-CN"));

        var cancel = BotFlow.Create(Guid.NewGuid(), new BotFlowContent("取消订单", true, [], ["取消订单"], [], null,
            [new FlowStep { Id = "r", Kind = FlowStepKind.Reply, TextZh = "在订单详情页取消" }]), Now).Value;
        var generic = BotFlow.Create(Guid.NewGuid(), new BotFlowContent("订单", true, [], ["订单"], [], "faq-1",
            [new FlowStep { Id = "r", Kind = FlowStepKind.Reply, TextZh = "订单" }]), Now).Value;
        Assert.Same(cancel, FlowTriggers.Match([generic, cancel], Inbox, "怎么取消订单", "zh-CN"));
        Assert.Same(generic, FlowTriggers.ForFaq([generic, cancel], Inbox, "faq-1"));
    }

    [Fact]
    public void Session_RecordFlow_KeepsTheRunUntilItEndsOrHandsOff()
    {
        var flow = OrderFlow();
        var session = BotSession.Start(Guid.NewGuid(), Inbox, "zh-CN", Now);
        var start = FlowMachine.Start(flow, "zh-CN", Now);
        session.RecordFlow(Guid.NewGuid(), start, Now);
        Assert.Equal("ask_order", session.Flow!.StepId);
        Assert.Equal(BotState.Active, session.State);

        var failed = FlowMachine.AfterLookup(flow, FlowMachine.Answer(flow, session.Flow, "A123456", Now).Run!, new(LookupStatus.Failed), Now);
        session.RecordFlow(Guid.NewGuid(), failed, Now);
        Assert.Null(session.Flow);
        Assert.Equal((BotState.HandedOff, "flow_failed"), (session.State, session.HandoffReason));
    }
}
