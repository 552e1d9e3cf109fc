using Kefu.Core.Bot;

namespace Kefu.Core.Tests.Bot;

public sealed class AnswerThresholdsTests
{
    private static readonly AnswerThresholds Thresholds = new(AnswerAtOrAbove: 0.5, OutOfScopeBelow: 0.2);

    [Theory]
    [InlineData(0.9, false, AnswerTier.Answer)]
    [InlineData(0.5, false, AnswerTier.Answer)]
    [InlineData(0.49, false, AnswerTier.Suggest)]
    [InlineData(0.2, false, AnswerTier.Suggest)]
    [InlineData(0.19, false, AnswerTier.OutOfScope)]
    [InlineData(0.99, true, AnswerTier.OutOfScope)]
    public void Decide_Confidence_Tier(double confidence, bool outOfScopeClass, AnswerTier expected) =>
        Assert.Equal(expected, Thresholds.Decide(confidence, outOfScopeClass));

    [Theory]
    [InlineData(0.5, 0.2, true)]
    [InlineData(0.2, 0.5, false)]
    [InlineData(1.5, 0.2, false)]
    public void Validate_Thresholds(double answer, double oos, bool valid) =>
        Assert.Equal(valid, new AnswerThresholds(answer, oos).Validate().Count == 0);
}
