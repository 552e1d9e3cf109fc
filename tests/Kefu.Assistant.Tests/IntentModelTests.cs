using Kefu.Assistant.Models;
using Kefu.Core.Bot;

namespace Kefu.Assistant.Tests;

public sealed class IntentModelTests
{
    private static readonly IntentModel Model = IntentModel.Train(Fixtures.Intents());

    [Theory]
    [InlineData("will it be sunny tomorrow", "weather")]
    [InlineData("please set an alarm at 8", "alarm")]
    [InlineData("play some music", "music")]
    public void Classify_InScope_BestIntent(string text, string intent)
    {
        var result = Model.Classify(text);

        Assert.Equal(intent, result.Best.Label);
        Assert.NotEqual(AnswerTier.OutOfScope, result.Tier);
        Assert.DoesNotContain(result.Top, c => c.Label == "oos");
    }

    [Fact]
    public void Classify_LearnedOutOfScope_OutOfScopeTier()
    {
        Assert.True(Model.KnowsOutOfScope);
        Assert.Equal(AnswerTier.OutOfScope, Model.Classify("tell me a joke about cooking").Tier);
    }

    [Fact]
    public void Train_WithoutOutOfScopeExamples_NeverOutOfScope()
    {
        var model = IntentModel.Train(Fixtures.Intents().Where(e => e.Label != "oos").ToList());

        Assert.False(model.KnowsOutOfScope);
        Assert.NotEqual(AnswerTier.OutOfScope, model.Classify("who won the football game").Tier);
    }

    [Fact]
    public void Sentiment_Trained_PredictsTrainingLabels()
    {
        var model = SentimentModel.Train(
        [
            new("太差了，气死我了", "negative"), new("垃圾，失望", "negative"), new("this is terrible", "negative"), new("awful service, angry", "negative"),
            new("好的，知道了", "neutral"), new("几点发货", "neutral"), new("what time is it", "neutral"), new("ok", "neutral"),
            new("太棒了，谢谢", "positive"), new("很喜欢，点赞", "positive"), new("great, thank you", "positive"), new("love it", "positive"),
        ]);

        Assert.Equal("negative", model.Classify("真是气死了，太差").Label);
        Assert.Equal("positive", model.Classify("谢谢，很喜欢").Label);
    }

    [Fact]
    public void Sentiment_LexiconOnly_ScoresWithoutTraining()
    {
        Assert.Equal("negative", SentimentModel.LexiconOnly.Classify("太让人失望了").Label);
        Assert.True(SentimentModel.LexiconOnly.Classify("谢谢，很满意").Polarity > 0);
    }
}
