using Kefu.Core.Channels.Email;

namespace Kefu.Core.Tests.Channels.Email;

public sealed class QuotedReplyTests
{
    [Theory]
    [InlineData("Thanks, it arrived.\n\nOn Mon, 3 Nov 2025 at 10:00, Support <support@shop.test> wrote:\n> Your parcel is on its way.", "Thanks, it arrived.")]
    [InlineData("Thanks, it arrived.\n\nOn Mon, 3 Nov 2025 at 10:00, Support\n<support@shop.test> wrote:\n> old", "Thanks, it arrived.")]
    [InlineData("收到了，谢谢！\n\n在 2025年11月3日 10:00，客服 <support@shop.test> 写道：\n> 您的包裹已发出。", "收到了，谢谢！")]
    [InlineData("好的\n\n------------------ 原始邮件 ------------------\n发件人: 客服\n发送时间: 2025年11月3日", "好的")]
    [InlineData("OK\n\n-----Original Message-----\nFrom: Support\nSent: Monday", "OK")]
    [InlineData("OK\n\nFrom: Support <support@shop.test>\nSent: Monday, November 3, 2025 10:00\nTo: me", "OK")]
    [InlineData("Fine by me.\n> quoted\n> more", "Fine by me.")]
    [InlineData("> inline quote\nmy answer to it", "> inline quote\nmy answer to it")]
    [InlineData("No quote at all.\nSecond line.", "No quote at all.\nSecond line.")]
    [InlineData("On Mon, Support wrote:\n> only a quote", "On Mon, Support wrote:\n> only a quote")]
    public void Strip_CutsTheQuotedMail(string text, string expected) => Assert.Equal(expected, QuotedReply.Strip(text));
}
