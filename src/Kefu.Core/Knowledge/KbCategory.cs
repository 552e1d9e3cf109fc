using Kefu.Core.Common;

namespace Kefu.Core.Knowledge;

public sealed record KbCategoryContent(string? Slug, string? NameZh, string? NameEn, string? DescriptionZh, string? DescriptionEn, int Position);

/// <summary>A section of the knowledge base and the help center (Orders, Shipping, Account…), named in both languages.</summary>
public sealed class KbCategory
{
    private KbCategory()
    {
    }

    public Guid Id { get; private set; }

    public string Slug { get; private set; } = "";

    public string NameZh { get; private set; } = "";

    public string NameEn { get; private set; } = "";

    public string DescriptionZh { get; private set; } = "";

    public string DescriptionEn { get; private set; } = "";

    public int Position { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string Name(string language) => language == KbLanguages.Chinese ? NameZh : NameEn;

    public string Description(string language) => language == KbLanguages.Chinese ? DescriptionZh : DescriptionEn;

    public static Result<KbCategory> Create(Guid id, KbCategoryContent content, DateTimeOffset now)
    {
        var category = new KbCategory { Id = id, CreatedAt = now };
        var applied = category.Apply(content);
        return applied.IsOk ? category : applied.Error!;
    }

    public Result<IReadOnlyList<FieldChange>> Apply(KbCategoryContent c)
    {
        var errors = new FieldErrors()
            .Required("slug", c.Slug, KbLimits.Key)
            .Required("nameZh", c.NameZh, Limits.Name)
            .Required("nameEn", c.NameEn, Limits.Name)
            .MaxLength("descriptionZh", c.DescriptionZh, Limits.Description)
            .MaxLength("descriptionEn", c.DescriptionEn, Limits.Description);
        if (c.Slug is { Length: > 0 } slug && !KbKeys.IsSlug(slug.Trim()))
        {
            errors.Add("slug", "may contain only lower-case letters, digits, dashes and underscores (e.g. orders-and-shipping).");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        Set(changes, "slug", Slug, c.Slug!.Trim(), v => Slug = v);
        Set(changes, "nameZh", NameZh, c.NameZh!.Trim(), v => NameZh = v);
        Set(changes, "nameEn", NameEn, c.NameEn!.Trim(), v => NameEn = v);
        Set(changes, "descriptionZh", DescriptionZh, c.DescriptionZh?.Trim() ?? "", v => DescriptionZh = v);
        Set(changes, "descriptionEn", DescriptionEn, c.DescriptionEn?.Trim() ?? "", v => DescriptionEn = v);
        if (c.Position != Position)
        {
            changes.Add(new("position", Position.ToString(), c.Position.ToString()));
            Position = c.Position;
        }

        return changes;
    }

    internal static void Set(List<FieldChange> changes, string field, string before, string after, Action<string> apply)
    {
        if (!string.Equals(before, after, StringComparison.Ordinal))
        {
            changes.Add(new(field, before, after));
            apply(after);
        }
    }
}
