using Kefu.Core.Common;
using Kefu.Core.Tickets;

namespace Kefu.Core.Tests.Tickets;

public sealed class CategoryTests
{
    private static readonly Guid Id = Guid.Parse("0195a3c0-0000-7000-8000-00000000ca01");

    [Theory]
    [InlineData("order_status", true)]
    [InlineData("a", true)]
    [InlineData("web3_faq_2", true)]
    [InlineData("_", true)]
    [InlineData("Order_Status", false)]
    [InlineData("order-status", false)]
    [InlineData("order status", false)]
    [InlineData(" order_status", false)]
    [InlineData("订单", false)]
    [InlineData("café", false)]
    public void Create_KeyFormat_OnlyLowerCaseLettersDigitsUnderscores(string key, bool valid)
    {
        var result = Category.Create(Id, key, "Order status", "订单状态", 1);

        Assert.Equal(valid, result.IsOk);
        if (valid)
        {
            Assert.Equal(key, result.Value.Key);
        }
        else
        {
            Assert.Equal(["may contain only lower-case letters, digits and underscores."], Assert.IsType<Invalid>(result.Error).Fields["key"]);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Create_MissingKey_ReturnsRequired(string? key)
    {
        var invalid = Assert.IsType<Invalid>(Category.Create(Id, key, "Order status", "订单状态", 1).Error);

        Assert.Equal("is required.", invalid.Fields["key"][0]);
    }

    [Fact]
    public void Create_KeyLongerThan64_ReturnsInvalid()
    {
        Assert.True(Category.Create(Id, new string('k', 64), "K", "K", 1).IsOk);

        var invalid = Assert.IsType<Invalid>(Category.Create(Id, new string('k', 65), "K", "K", 1).Error);
        Assert.Equal(["must be at most 64 characters."], invalid.Fields["key"]);
    }

    [Fact]
    public void Create_MissingNames_ReturnsRequiredForBoth()
    {
        var invalid = Assert.IsType<Invalid>(Category.Create(Id, "order_status", " ", null, 1).Error);

        Assert.Equal(["is required."], invalid.Fields["nameEn"]);
        Assert.Equal(["is required."], invalid.Fields["nameZh"]);
    }

    [Fact]
    public void Create_Valid_TrimsNamesAndIsActive()
    {
        var c = Category.Create(Id, "order_status", " Order status ", " 订单状态 ", 2).Value;

        Assert.Equal(Id, c.Id);
        Assert.Equal("Order status", c.NameEn);
        Assert.Equal("订单状态", c.NameZh);
        Assert.Equal(2, c.Position);
        Assert.True(c.IsActive);
    }

    [Theory]
    [InlineData("en", "Order status")]
    [InlineData("zh-CN", "订单状态")]
    [InlineData("zh", "订单状态")]
    [InlineData("ZH-cn", "订单状态")]
    [InlineData("fr", "Order status")]
    public void Name_Language_PicksChineseForZh(string language, string name)
    {
        var c = Category.Create(Id, "order_status", "Order status", "订单状态", 2).Value;

        Assert.Equal(name, c.Name(language));
    }

    [Fact]
    public void Update_ChangedFields_RecordsEach()
    {
        var c = Category.Create(Id, "order_status", "Order status", "订单状态", 2).Value;

        var changes = c.Update("Order tracking", null, 5, false).Value;

        Assert.Equal([new FieldChange("nameEn", "Order status", "Order tracking"), new FieldChange("position", "2", "5"), new FieldChange("isActive", "True", "False")], changes);
        Assert.Equal("订单状态", c.NameZh);
        Assert.False(c.IsActive);
    }

    [Fact]
    public void Update_BlankName_ReturnsInvalid()
    {
        var c = Category.Create(Id, "order_status", "Order status", "订单状态", 2).Value;

        var invalid = Assert.IsType<Invalid>(c.Update(null, "  ", null, null).Error);

        Assert.Equal(["nameZh"], invalid.Fields.Keys);
        Assert.Equal("订单状态", c.NameZh);
    }

    [Fact]
    public void Update_SameValues_ReturnsNoChanges()
    {
        var c = Category.Create(Id, "order_status", "Order status", "订单状态", 2).Value;

        Assert.Empty(c.Update(" Order status ", "订单状态", 2, true).Value);
    }

    [Fact]
    public void DefaultCategories_All_Has25UniqueValidKeysAndBothNames()
    {
        var all = DefaultCategories.All;

        Assert.Equal(25, all.Count);
        Assert.Equal(25, all.Select(c => c.Key).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(25, all.Select(c => c.En).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(25, all.Select(c => c.Zh).Distinct(StringComparer.Ordinal).Count());
        Assert.All(all, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.En));
            Assert.False(string.IsNullOrWhiteSpace(c.Zh));
            Assert.True(Category.Create(Id, c.Key, c.En, c.Zh, 0).IsOk, c.Key);
        });
        Assert.Equal("product_information", all[0].Key);
        Assert.Equal("general_feedback", all[^1].Key);
    }
}
