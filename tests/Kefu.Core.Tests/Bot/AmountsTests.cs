using Kefu.Core.Bot;

namespace Kefu.Core.Tests.Bot;

public sealed class AmountsTests
{
    [Theory]
    [InlineData("订单金额 600000 元", 600000)]
    [InlineData("¥600,000 的货", 600000)]
    [InlineData("￥600,000", 600000)]
    [InlineData("一共50万", 500000)]
    [InlineData("五十万的设备", 500000)]
    [InlineData("一百二十万", 1200000)]
    [InlineData("两万五千块", 25000)]
    [InlineData("两万五", 25000)]
    [InlineData("三千五百元", 3500)]
    [InlineData("1.2亿的项目", 120000000)]
    [InlineData("$1,000,000 order", 1000000)]
    [InlineData("about 50k", 50000)]
    [InlineData("先付100元，尾款60万", 600000)]
    public void Largest_MentionedAmount_Parsed(string text, double expected) => Assert.Equal((decimal)expected, Amounts.Largest(text));

    [Theory]
    [InlineData("订单号 202611220001 查一下")]
    [InlineData("iPhone 15 有货吗")]
    [InlineData("万一坏了怎么办")]
    [InlineData("")]
    public void Largest_NoAmount_Null(string text) => Assert.Null(Amounts.Largest(text));
}
