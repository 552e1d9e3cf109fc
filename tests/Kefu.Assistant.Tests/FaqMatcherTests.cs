using Kefu.Assistant.Models;
using Kefu.Core.Bot;

namespace Kefu.Assistant.Tests;

public sealed class FaqMatcherTests : IDisposable
{
    private readonly FaqMatcher matcher = FaqMatcher.Build(Fixtures.Kb());

    [Theory]
    [InlineData("我想申请退货", "R1")]
    [InlineData("退款到账要几天啊", "R2")]
    [InlineData("發票在哪裡申請", "I1")]
    [InlineData("my package, where is it", "D1")]
    [InlineData("when do I get my refund", "R2")]
    public void Match_KnownQuestion_BestIsTheEntry(string text, string id)
    {
        var result = matcher.Match(text);

        Assert.Equal(id, result.Best?.Id);
        Assert.NotEqual(AnswerTier.OutOfScope, result.Tier);
        Assert.InRange(result.Top.Count, 1, 3);
    }

    [Theory]
    [InlineData("帮我写首诗")]
    public void Match_Unrelated_OutOfScope(string text) => Assert.Equal(AnswerTier.OutOfScope, matcher.Match(text).Tier);

    [Fact]
    public void Search_Bm25_RanksTheMatchingPhrasingFirst()
    {
        using var index = new FaqIndex(Fixtures.Kb());

        Assert.Equal("D1", index.Search("物流怎么查询")[0].Id);
        Assert.Equal("I1", index.Search("invoices")[0].Id); // English stemming: invoices → invoic
        Assert.Empty(index.Search("？？"));
    }

    /// <summary>
    /// The classifier of large knowledge bases (a multi-class perceptron) ranks the same entries first, and never answers
    /// an unrelated message (with four entries its normalised confidence cannot fall below chance, so it may suggest).
    /// </summary>
    [Theory]
    [InlineData("我想申请退货", "R1")]
    [InlineData("退款到账要几天啊", "R2")]
    [InlineData("發票在哪裡申請", "I1")]
    [InlineData("my package, where is it", "D1")]
    [InlineData("帮我写首诗", null)]
    public void Match_LargeKnowledgeBaseClassifier_SameDecisions(string text, string? id)
    {
        using var large = FaqMatcher.Build(Fixtures.Kb(), options: FaqMatcher.LargeClassifier);

        var result = large.Match(text);

        if (id is null)
        {
            Assert.NotEqual(AnswerTier.Answer, result.Tier);
        }
        else
        {
            Assert.Equal(id, result.Best?.Id);
            Assert.NotEqual(AnswerTier.OutOfScope, result.Tier);
        }
    }

    public void Dispose() => matcher.Dispose();
}
