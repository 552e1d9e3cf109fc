using Kefu.Core.Llm;

namespace Kefu.Core.Tests.Llm;

public sealed class PiiRedactorTests
{
    [Theory]
    // Mainland mobiles, with country code, spaces and dashes; Chinese text right around them.
    [InlineData("我的手机13812345678谢谢", "我的手机[PHONE_1]谢谢")]
    [InlineData("call 138 1234 5678 please", "call [PHONE_1] please")]
    [InlineData("电话：138-1234-5678", "电话：[PHONE_1]")]
    [InlineData("+86 138 1234 5678", "[PHONE_1]")]
    [InlineData("+8613812345678", "[PHONE_1]")]
    // 86 13812345678 also passes the card checksum: it is still a phone.
    [InlineData("8613812345678", "[PHONE_1]")]
    [InlineData("0086-13912345678", "[PHONE_1]")]
    // Landlines, hotlines, extensions.
    [InlineData("座机 010-12345678", "座机 [PHONE_1]")]
    [InlineData("(021) 6123 4567 转 801", "[PHONE_1]")]
    [InlineData("0755-8765432", "[PHONE_1]")]
    [InlineData("热线400-820-8820", "热线[PHONE_1]")]
    // International numbers.
    [InlineData("US office +1 415 555 0100.", "US office [PHONE_1].")]
    [InlineData("+44 (20) 7946 0958", "[PHONE_1]")]
    [InlineData("Tel: 0049 30 1234567", "Tel: [PHONE_1]")]
    [InlineData("电话+1 415 555 0100", "电话[PHONE_1]")]
    [InlineData("号码0049 30 1234567", "号码[PHONE_1]")]
    // E-mail addresses.
    [InlineData("mail zhang.san+shop@example.com.cn now", "mail [EMAIL_1] now")]
    [InlineData("邮箱是li_si2026@qq.com。", "邮箱是[EMAIL_1]。")]
    // Resident ID numbers: 18 with a valid check character (X too), and the old 15 digits.
    [InlineData("身份证11010519491231002X", "身份证[ID_1]")]
    [InlineData("ID 11010519491231002x ok", "ID [ID_1] ok")]
    [InlineData("身份证号310115198506152810", "身份证号[ID_1]")]
    [InlineData("老身份证 110105491231002", "老身份证 [ID_1]")]
    // Bank cards: 13-19 digits passing Luhn, plain or grouped.
    [InlineData("卡号6222021234567890128", "卡号[CARD_1]")]
    [InlineData("card 4111 1111 1111 1111 thanks", "card [CARD_1] thanks")]
    [InlineData("卡号 6212-2612-0200-1234-567", "卡号 [CARD_1]")]
    public void Redact_PersonalData_ReplacedByTypedPlaceholder(string text, string expected)
    {
        var redaction = new PiiRedaction();
        Assert.Equal(expected, redaction.Redact(text));
        Assert.Equal(text, redaction.Restore(redaction.Redact(text)));
    }

    [Theory]
    // Order numbers, amounts, dates, versions, product codes and wrong checksums are not personal data.
    [InlineData("订单号 202611220001 查一下")]
    [InlineData("order 10042, ¥1,299.00, 2026-11-20 16:00")]
    [InlineData("iPhone 15 Pro 256GB")]
    [InlineData("version 10.0.401")]
    // 18 digits with a wrong check character, and 16 digits failing Luhn.
    [InlineData("编号110105194912310021")]
    [InlineData("6222021234567890")]
    [InlineData("SKU ABC13812345678XYZ")]
    [InlineData("")]
    public void Redact_NoPersonalData_Unchanged(string text) => Assert.Equal(text, new PiiRedaction().Redact(text));

    [Fact]
    public void Redact_SameValueTwice_SamePlaceholder_NumberedPerKind()
    {
        var redaction = new PiiRedaction();
        var first = redaction.Redact("a@b.com 13812345678 c@d.org");
        var second = redaction.Redact("again 138 1234 5678 and A@B.com, 4111111111111111");
        Assert.Equal("[EMAIL_1] [PHONE_1] [EMAIL_2]", first);
        Assert.Equal("again [PHONE_1] and [EMAIL_1], [CARD_1]", second);
        Assert.Equal(4, redaction.Count);
        Assert.Equal("13812345678", redaction.Mapping["[PHONE_1]"]);
    }

    [Fact]
    public void Restore_UnknownPlaceholder_Stays()
    {
        var redaction = new PiiRedaction();
        redaction.Redact("13812345678");
        Assert.Equal("call 13812345678 or [PHONE_7]", redaction.Restore("call [PHONE_1] or [PHONE_7]"));
    }

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("6222021234567890128", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("", false)]
    public void Luhn_Checks(string digits, bool valid) => Assert.Equal(valid, Luhn.IsValid(digits));

    [Theory]
    [InlineData("11010519491231002X", true)]
    [InlineData("440304199003071236", false)]
    [InlineData("11010519491331002X", false)]
    public void ChineseIds_Checksum(string id, bool valid) => Assert.Equal(valid, ChineseIds.IsValid18(id));
}
