using Kefu.Core.Bot;

namespace Kefu.Core.Tests.Bot;

public sealed class HandoffPolicyTests
{
    [Theory]
    [InlineData("转人工", 0, false, HandoffReason.CustomerAsked)]
    [InlineData("太让人失望了", 0, false, HandoffReason.NegativeEmotion)]
    [InlineData("请问几点发货", 2, false, HandoffReason.BotFailed)]
    [InlineData("请问几点发货", 0, true, HandoffReason.Vip)]
    [InlineData("这批货一共六十万", 0, false, HandoffReason.HighAmount)]
    [InlineData("烦死了，快给我转人工", 0, false, HandoffReason.CustomerAsked)]
    public void Decide_DefaultRules_MainReason(string message, int failedRounds, bool vip, HandoffReason expected)
    {
        var decision = HandoffPolicy.Decide(HandoffRules.Default, HandoffPolicy.Signals(message, failedRounds, vip));

        Assert.True(decision.HandOff);
        Assert.Equal(expected, decision.Reason);
    }

    [Theory]
    [InlineData("请问几点发货", 1, false)]
    [InlineData("一共50万", 0, false)] // exactly the threshold is not above it
    [InlineData("装空调的人工费多少钱", 0, false)]
    public void Decide_DefaultRules_BotKeepsTheConversation(string message, int failedRounds, bool vip) =>
        Assert.False(HandoffPolicy.Decide(HandoffRules.Default, HandoffPolicy.Signals(message, failedRounds, vip)).HandOff);

    [Fact]
    public void Decide_RulesOff_NoHandoff()
    {
        var off = new HandoffRules { OnCustomerRequest = false, OnNegativeEmotion = false, OnVip = false, MaxFailedRounds = 0, AmountThreshold = null };

        Assert.False(HandoffPolicy.Decide(off, HandoffPolicy.Signals("转人工！太失望了，一百万", 9, true)).HandOff);
    }

    [Fact]
    public void Decide_SeveralRules_AllReasonsKeptInPriorityOrder()
    {
        var decision = HandoffPolicy.Decide(HandoffRules.Default, HandoffPolicy.Signals("气死了，转人工，这单一百万", 3, true));

        Assert.Equal([HandoffReason.CustomerAsked, HandoffReason.NegativeEmotion, HandoffReason.Vip, HandoffReason.HighAmount, HandoffReason.BotFailed], decision.Reasons);
    }

    [Theory]
    [InlineData(-1, 0, false)]
    [InlineData(2, -5, false)]
    [InlineData(2, 500000, true)]
    public void Validate_Rules(int rounds, int amount, bool valid) =>
        Assert.Equal(valid, new HandoffRules { MaxFailedRounds = rounds, AmountThreshold = amount }.Validate().Count == 0);
}
