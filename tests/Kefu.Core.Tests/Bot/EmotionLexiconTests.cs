using Kefu.Core.Bot;

namespace Kefu.Core.Tests.Bot;

public sealed class EmotionLexiconTests
{
    [Theory]
    [InlineData("我对这次购物体验非常不满")]
    [InlineData("太讓人失望了")]
    [InlineData("我要投诉")]
    [InlineData("给差评")]
    [InlineData("真是气死我了")]
    [InlineData("呵呵，真是好服务")]
    [InlineData("你们这效率，我真是佩服")]
    [InlineData("真是太棒了，收到的又是坏的")]
    [InlineData("说好的次日达，结果第四天才到")]
    [InlineData("再不退款我就曝光你们")]
    [InlineData("This is ridiculous, I am so angry")]
    public void IsNegative_Emotional_True(string text) => Assert.True(EmotionLexicon.IsNegative(text), string.Join(",", EmotionLexicon.Score(text).Cues));

    [Theory]
    [InlineData("我不生气，就是想问进度")]
    [InlineData("我没有投诉的意思，就是提个建议")]
    [InlineData("不是不满意，就是问问保修")]
    [InlineData("包装有点破，东西没坏，跟你们说一声")]
    [InlineData("颜色有点偏差，不过还能接受")]
    [InlineData("太好了，没问题")]
    [InlineData("我想买衣服了")]
    [InlineData("滚筒洗衣机有货吗")]
    [InlineData("工商银行卡能付款吗")]
    [InlineData("谢谢你")]
    public void IsNegative_NeutralOrNegated_False(string text) => Assert.False(EmotionLexicon.IsNegative(text), string.Join(",", EmotionLexicon.Score(text).Cues));

    [Fact]
    public void Score_Praise_Positive() => Assert.True(EmotionLexicon.Score("东西很好，点赞").Polarity > 0);
}
