using Kefu.Core.Common;

namespace Kefu.Core.Tickets;

/// <summary>What an inquiry is about. Seeded with the 25-type taxonomy; admins edit the list.</summary>
public sealed class Category
{
    private Category()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>Stable machine name (order_status); unique.</summary>
    public string Key { get; private set; } = "";

    public string NameEn { get; private set; } = "";

    public string NameZh { get; private set; } = "";

    public int Position { get; private set; }

    public bool IsActive { get; private set; } = true;

    public string Name(string language) => language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? NameZh : NameEn;

    public static Result<Category> Create(Guid id, string? key, string? nameEn, string? nameZh, int position)
    {
        var errors = Validate(nameEn, nameZh);
        errors.Required("key", key, 64);
        if (key is not null && !IsKey(key))
        {
            errors.Add("key", "may contain only lower-case letters, digits and underscores.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        return new Category { Id = id, Key = key!, NameEn = nameEn!.Trim(), NameZh = nameZh!.Trim(), Position = position };
    }

    public Result<IReadOnlyList<FieldChange>> Update(string? nameEn, string? nameZh, int? position, bool? isActive)
    {
        if (Validate(nameEn ?? NameEn, nameZh ?? NameZh).ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        if (nameEn is not null && nameEn.Trim() != NameEn)
        {
            changes.Add(new("nameEn", NameEn, nameEn.Trim()));
            NameEn = nameEn.Trim();
        }

        if (nameZh is not null && nameZh.Trim() != NameZh)
        {
            changes.Add(new("nameZh", NameZh, nameZh.Trim()));
            NameZh = nameZh.Trim();
        }

        if (position is not null && position != Position)
        {
            changes.Add(new("position", Position.ToString(), position.ToString()));
            Position = position.Value;
        }

        if (isActive is not null && isActive != IsActive)
        {
            changes.Add(new("isActive", IsActive.ToString(), isActive.ToString()));
            IsActive = isActive.Value;
        }

        return changes;
    }

    private static FieldErrors Validate(string? nameEn, string? nameZh) =>
        new FieldErrors().Required("nameEn", nameEn, Limits.Name).Required("nameZh", nameZh, Limits.Name);

    private static bool IsKey(string key) => key.Length > 0 && key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}

/// <summary>The default 25-type taxonomy of PRODUCT.md §2.</summary>
public static class DefaultCategories
{
    public static readonly IReadOnlyList<(string Key, string En, string Zh)> All =
    [
        ("product_information", "Product information", "产品信息"),
        ("order_status", "Order status", "订单状态"),
        ("return_exchange", "Return / exchange", "退换货"),
        ("billing_payment", "Billing & payment", "账单与支付"),
        ("technical_support", "Technical support", "技术支持"),
        ("delivery_logistics", "Delivery & logistics", "配送与物流"),
        ("account_management", "Account management", "账户管理"),
        ("promotions_discounts", "Promotions & discounts", "促销与优惠"),
        ("after_sales_follow_up", "After-sales follow-up", "售后跟进"),
        ("complaint", "Complaint", "投诉"),
        ("product_usage_guidance", "Product usage guidance", "产品使用指导"),
        ("warranty", "Warranty", "保修"),
        ("stock_availability", "Stock availability", "库存查询"),
        ("membership_loyalty", "Membership & loyalty", "会员与积分"),
        ("data_privacy_security", "Data privacy & security", "数据隐私与安全"),
        ("business_wholesale", "Business / wholesale", "企业采购与批发"),
        ("event_participation", "Event participation", "活动参与"),
        ("app_website_fault", "App / website fault", "应用与网站故障"),
        ("subscription_management", "Subscription management", "订阅管理"),
        ("environmental_social_responsibility", "Environmental / social responsibility", "环保与社会责任"),
        ("urgent_service", "Urgent service", "紧急服务"),
        ("multi_language_support", "Multi-language support", "多语言支持"),
        ("personalised_service", "Personalised service", "个性化服务"),
        ("competitor_comparison", "Competitor comparison", "竞品比较"),
        ("general_feedback", "General feedback & suggestions", "意见与建议"),
    ];
}
