using Kefu.Core.Common;
using Kefu.Core.Customers;

namespace Kefu.Core.Tests.Customers;

public sealed class CustomerIdentityTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 16, 59, 0, TimeSpan.Zero);
    private static readonly Guid CustomerId = Guid.Parse("0195a3c0-0000-7000-8000-00000000c001");

    [Theory]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("Alice@Example.COM", "alice@example.com")]
    [InlineData("  bob.smith+tag@mail.example.cn  ", "bob.smith+tag@mail.example.cn")]
    [InlineData("ZHANG.WEI@QQ.COM", "zhang.wei@qq.com")]
    [InlineData("a@b", "a@b")]
    public void Normalize_ValidEmail_LowerCasesAndTrims(string input, string expected)
    {
        var key = CustomerIdentity.Normalize(IdentityKind.Email, null, input).Value;

        Assert.Equal(("", expected), key);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("@example.com")]
    [InlineData("alice@")]
    [InlineData("alice@@example.com")]
    [InlineData("alice@example@com")]
    [InlineData("alice smith@example.com")]
    [InlineData("alice@exa\tmple.com")]
    public void Normalize_InvalidEmail_ReturnsInvalidValue(string input)
    {
        var invalid = Assert.IsType<Invalid>(CustomerIdentity.Normalize(IdentityKind.Email, null, input).Error);

        Assert.Equal(["must be an e-mail address such as name@example.com."], invalid.Fields["value"]);
    }

    [Fact]
    public void Normalize_EmailWithSource_DropsSource()
    {
        Assert.Equal(("", "a@b.cn"), CustomerIdentity.Normalize(IdentityKind.Email, "Shop", "A@B.cn").Value);
    }

    [Theory]
    [InlineData("+86 138-0013-8000", "+8613800138000")]
    [InlineData("  +86 138 0013 8000 ", "+8613800138000")]
    [InlineData("138.0013.8000", "13800138000")]
    [InlineData("(010) 6552-1234", "01065521234")]
    [InlineData("+1 (415) 555-0100", "+14155550100")]
    [InlineData("12345", "12345")]
    [InlineData("12345678901234567890", "12345678901234567890")]
    public void Normalize_ValidPhone_KeepsDigitsAndLeadingPlus(string input, string expected)
    {
        Assert.Equal(("", expected), CustomerIdentity.Normalize(IdentityKind.Phone, null, input).Value);
    }

    [Theory]
    [InlineData("1234")]
    [InlineData("+86 12")]
    [InlineData("123456789012345678901")]
    [InlineData("138 0013 800O")]
    [InlineData("call 13800138000")]
    [InlineData("13800138000 ext 5")]
    [InlineData("+86/13800138000")]
    [InlineData("１３８００１３８０００")]
    public void Normalize_InvalidPhone_ReturnsInvalidValue(string input)
    {
        var invalid = Assert.IsType<Invalid>(CustomerIdentity.Normalize(IdentityKind.Phone, null, input).Error);

        Assert.Equal(["must be a phone number of 5 to 20 digits, optionally starting with +."], invalid.Fields["value"]);
    }

    [Theory]
    [InlineData("wechat", "oAbC123", "wechat", "oAbC123")]
    [InlineData("  WeChat ", " oAbC123 ", "wechat", "oAbC123")]
    [InlineData("SHOP", "Customer-42", "shop", "Customer-42")]
    public void Normalize_External_LowerCasesSourceKeepsValueCase(string source, string value, string expectedSource, string expectedValue)
    {
        Assert.Equal((expectedSource, expectedValue), CustomerIdentity.Normalize(IdentityKind.External, source, value).Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Normalize_ExternalWithoutSource_ReturnsInvalidSource(string? source)
    {
        var invalid = Assert.IsType<Invalid>(CustomerIdentity.Normalize(IdentityKind.External, source, "oAbC123").Error);

        Assert.Equal(["source"], invalid.Fields.Keys);
    }

    [Fact]
    public void Normalize_VisitorId_KeptAsIsExceptTrim()
    {
        Assert.Equal(("", "v_9fKq2LmZ"), CustomerIdentity.Normalize(IdentityKind.VisitorId, null, " v_9fKq2LmZ ").Value);
    }

    [Theory]
    [InlineData(IdentityKind.Email, null)]
    [InlineData(IdentityKind.Phone, "")]
    [InlineData(IdentityKind.VisitorId, "  ")]
    [InlineData(IdentityKind.External, "")]
    public void Normalize_MissingValue_ReturnsRequired(IdentityKind kind, string? value)
    {
        var invalid = Assert.IsType<Invalid>(CustomerIdentity.Normalize(kind, "wechat", value).Error);

        Assert.Equal(["is required."], invalid.Fields["value"]);
    }

    [Fact]
    public void Normalize_TooLongValueOrSource_ReturnsInvalid()
    {
        var value = Assert.IsType<Invalid>(CustomerIdentity.Normalize(IdentityKind.VisitorId, null, new string('v', 321)).Error);
        var source = Assert.IsType<Invalid>(CustomerIdentity.Normalize(IdentityKind.External, new string('s', 51), "x").Error);

        Assert.Equal(["must be at most 320 characters."], value.Fields["value"]);
        Assert.Equal(["must be at most 50 characters."], source.Fields["source"]);
    }

    [Fact]
    public void Normalize_FieldPrefix_PrefixesErrorKeys()
    {
        var invalid = Assert.IsType<Invalid>(CustomerIdentity.Normalize(IdentityKind.Email, null, "nope", "identities[2].").Error);

        Assert.Equal(["identities[2].value"], invalid.Fields.Keys);
    }

    [Theory]
    [InlineData(IdentityKind.Email, null, "Alice@Example.com", "email:alice@example.com")]
    [InlineData(IdentityKind.Phone, null, "+86 138-0013-8000", "phone:+8613800138000")]
    [InlineData(IdentityKind.VisitorId, null, "v_1", "visitor:v_1")]
    [InlineData(IdentityKind.External, "WeChat", "oAbC", "wechat:oAbC")]
    public void Create_Valid_StoresNormalizedValueAndDisplay(IdentityKind kind, string? source, string value, string display)
    {
        var identity = CustomerIdentity.Create(CustomerId, kind, source, value, Now).Value;

        Assert.Equal(CustomerId, identity.CustomerId);
        Assert.Equal(kind, identity.Kind);
        Assert.Equal(display, identity.Display);
        Assert.Equal(Now, identity.CreatedAt);
    }

    [Fact]
    public void Create_Invalid_ReturnsTheNormalizeError()
    {
        var invalid = Assert.IsType<Invalid>(CustomerIdentity.Create(CustomerId, IdentityKind.External, null, "x", Now).Error);

        Assert.Equal(["source"], invalid.Fields.Keys);
    }
}
