using Kefu.Core.Bot;

namespace Kefu.Core.Tests.Bot;

public sealed class TextNormalizerTests
{
    [Theory]
    [InlineData("麻煩轉接客服人員", "麻烦转接客服人员")]
    [InlineData("  ＨＥＬＬＯ\u3000 World ", "hello world")]
    [InlineData("發票怎麼開？", "发票怎么开?")]
    [InlineData(null, "")]
    public void Normalize_Folds(string? text, string expected) => Assert.Equal(expected, TextNormalizer.Normalize(text));

    [Theory]
    [InlineData("退款到账了吗", "退 款 到 账 了 吗")]
    [InlineData("iphone15 退货, ok?", "iphone15 退 货 ok")]
    [InlineData("don't stop", "don't stop")]
    public void Tokenize_CjkCharactersAndWords(string normalized, string expected) => Assert.Equal(expected, TextNormalizer.Tokenize(normalized));
}
