using Kefu.Core.Channels.Email;

namespace Kefu.Core.Tests.Channels.Email;

public sealed class MailAddressesTests
{
    [Theory]
    [InlineData("Order [#10042]", new long[] { 10042 })]
    [InlineData("Re: 回复: 订单 [#10042] [#10043] [#10042]", new long[] { 10042, 10043 })]
    [InlineData("#10042 without brackets", new long[0])]
    [InlineData("[#abc]", new long[0])]
    [InlineData("", new long[0])]
    public void TicketNumbers_BracketedNumbers(string subject, long[] expected) =>
        Assert.Equal(expected, MailAddresses.TicketNumbers(subject));

    [Theory]
    [InlineData("Where is my order?", 10042, "Re: Where is my order? [#10042]")]
    [InlineData("Re: Where is my order? [#10042]", 10042, "Re: Where is my order? [#10042]")]
    [InlineData("回复：我的订单", 10042, "回复：我的订单 [#10042]")]
    [InlineData("", 10042, "Re: [#10042]")]
    public void ReplySubject_AddsPrefixAndTagOnce(string subject, long number, string expected) =>
        Assert.Equal(expected, MailAddresses.ReplySubject(subject, number));

    [Theory]
    [InlineData("Re: Fwd: Order [#10042]", "Order")]
    [InlineData("回复：答复: 退货", "退货")]
    [InlineData("AW: Rechnung", "Rechnung")]
    public void CleanSubject_DropsPrefixesAndTags(string subject, string expected) =>
        Assert.Equal(expected, MailAddresses.CleanSubject(subject));

    [Fact]
    public void NewMessageId_IsRecognisedAsOurs()
    {
        var id = MailAddresses.NewMessageId(Guid.NewGuid(), "Support@Shop.Test");

        Assert.EndsWith("@shop.test", id);
        Assert.True(MailAddresses.IsOurs($"<{id}>"));
        Assert.False(MailAddresses.IsOurs("kefu.not-a-guid@shop.test"));
        Assert.False(MailAddresses.IsOurs("CAF=abc@mail.gmail.com"));
    }

    [Fact]
    public void Key_SameIdInAnyCaseOrBrackets_SameKey_NoIdUsesContent()
    {
        Assert.Equal(MailAddresses.Key("<ABC@x.test>", default), MailAddresses.Key(" abc@x.test ", default));
        Assert.Equal(64, MailAddresses.Key("abc@x.test", default).Length);
        Assert.Equal(MailAddresses.Key(null, "raw"u8), MailAddresses.Key("", "raw"u8));
        Assert.NotEqual(MailAddresses.Key(null, "raw one"u8), MailAddresses.Key(null, "raw two"u8));
    }
}
