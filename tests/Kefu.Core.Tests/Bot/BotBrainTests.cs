using Kefu.Core.Bot;

namespace Kefu.Core.Tests.Bot;

public sealed class BotBrainTests
{
    private static readonly BotMatch Confident = new(AnswerTier.Answer, [new("F1", 0.8), new("F2", 0.1)]);
    private static readonly BotMatch Unsure = new(AnswerTier.Suggest, [new("F1", 0.4), new("F2", 0.3), new("F3", 0.25), new("F4", 0.22)]);
    private static readonly BotMatch Nothing = new(AnswerTier.OutOfScope, [new("F1", 0.05)]);

    private static HandoffSignals Signals(bool asks = false, bool negative = false, bool vip = false, decimal? amount = null) => new(asks, negative, 0, vip, amount);

    [Theory]
    [InlineData("answer", 0, BotAction.Answer, 0)]
    [InlineData("answer", 1, BotAction.Answer, 0)]
    [InlineData("suggest", 1, BotAction.Suggest, 1)]
    [InlineData("nothing", 0, BotAction.DontKnow, 1)]
    [InlineData("nothing", 1, BotAction.Handoff, 2)]
    public void Decide_ByTierAndFailedRounds(string match, int failedBefore, BotAction action, int failedAfter)
    {
        var m = match switch { "answer" => Confident, "suggest" => Unsure, _ => Nothing };
        var turn = BotBrain.Decide(HandoffRules.Default, Signals(), m, failedBefore);
        Assert.Equal((action, failedAfter), (turn.Action, turn.FailedRounds));
        if (action == BotAction.Handoff)
        {
            Assert.Equal(HandoffReason.BotFailed, turn.Handoff.Reason);
        }
    }

    [Theory]
    [InlineData(true, false, false, null, HandoffReason.CustomerAsked)]
    [InlineData(false, true, false, null, HandoffReason.NegativeEmotion)]
    [InlineData(false, false, true, null, HandoffReason.Vip)]
    [InlineData(false, false, false, 600000.0, HandoffReason.HighAmount)]
    [InlineData(true, true, true, 600000.0, HandoffReason.CustomerAsked)]
    public void Decide_CustomerSignals_HandOffBeforeAnyAnswer(bool asks, bool negative, bool vip, double? amount, HandoffReason reason)
    {
        var turn = BotBrain.Decide(HandoffRules.Default, Signals(asks, negative, vip, (decimal?)amount), Confident, 0);
        Assert.Equal((BotAction.Handoff, reason), (turn.Action, turn.Handoff.Reason));
    }

    [Fact]
    public void Decide_RulesOff_AnswersInstead()
    {
        var rules = new HandoffRules { OnCustomerRequest = false, OnNegativeEmotion = false, OnVip = false, AmountThreshold = null, MaxFailedRounds = 0 };
        Assert.Equal(BotAction.Answer, BotBrain.Decide(rules, Signals(true, true, true, 9_000_000m), Confident, 0).Action);
        Assert.Equal(BotAction.DontKnow, BotBrain.Decide(rules, Signals(), Nothing, 5).Action);
    }

    [Fact]
    public void Decide_PickedSuggestion_AnswersItAndOffersAtMostThree()
    {
        var picked = BotBrain.Decide(HandoffRules.Default, Signals(), Nothing, 1, pickedSuggestion: "F3");
        Assert.Equal((BotAction.Answer, "F3", 0), (picked.Action, picked.Candidates[0].Id, picked.FailedRounds));
        Assert.Equal(["F1", "F2", "F3"], BotBrain.Decide(HandoffRules.Default, Signals(), Unsure, 0).Candidates.Select(c => c.Id));
    }

    [Fact]
    public void Session_RecordsTurnsSuggestionsAndHandoff()
    {
        var now = new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);
        var session = BotSession.Start(Guid.NewGuid(), Guid.NewGuid(), "zh-CN", now);
        var message = Guid.NewGuid();
        session.Record(message, BotBrain.Decide(HandoffRules.Default, Signals(), Unsure, 0), now);
        Assert.Equal((1, BotState.Active, message), (session.Turns, session.State, session.LastMessageId!.Value));
        Assert.Equal(["F1", "F2", "F3"], session.Suggestions);
        session.Record(Guid.NewGuid(), BotBrain.Decide(HandoffRules.Default, Signals(asks: true), Confident, 0), now);
        Assert.Equal((BotState.HandedOff, "customer_asked", 0), (session.State, session.HandoffReason, session.Suggestions.Count));
        session.Stop(now);
        Assert.Equal(BotState.HandedOff, session.State);
    }
}
