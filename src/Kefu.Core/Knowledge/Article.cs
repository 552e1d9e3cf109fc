using Kefu.Core.Common;

namespace Kefu.Core.Knowledge;

/// <summary>What an author writes for an article (and what a revision keeps). The body is Markdown.</summary>
public sealed record ArticleContent(string? Slug, Guid? CategoryId, string? Title, string? Summary, string? Body, KbStatus Status, int Position = 0);

/// <summary>
/// A help-center article in one language: Markdown written by authors, stored with its rendered, sanitized HTML
/// (rendering happens in the server, which passes the HTML in). Published articles are public at
/// /help/{language}/articles/{slug} and the bot can point customers to them.
/// </summary>
public sealed class Article
{
    private Article()
    {
    }

    public Guid Id { get; private set; }

    public string Language { get; private set; } = KbLanguages.Chinese;

    /// <summary>The article's address in the help center, unique per language.</summary>
    public string Slug { get; private set; } = "";

    public Guid? CategoryId { get; private set; }

    public string Title { get; private set; } = "";

    /// <summary>One or two sentences: the page's meta description and the text of search results.</summary>
    public string Summary { get; private set; } = "";

    public string Body { get; private set; } = "";

    public string Html { get; private set; } = "";

    public KbStatus Status { get; private set; }

    public int Position { get; private set; }

    public int Revision { get; private set; }

    public int HelpfulCount { get; private set; }

    public int NotHelpfulCount { get; private set; }

    public int ViewCount { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? PublishedAt { get; private set; }

    public int Version { get; private set; }

    public ArticleContent Content => new(Slug, CategoryId, Title, Summary, Body, Status, Position);

    public static Result<Article> Create(Guid id, string? language, ArticleContent content, string html, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        KbKeys.Check(errors, "language", language);
        errors.Include(Validate(content, html));
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var article = new Article { Id = id, Language = language!, CreatedAt = now };
        article.Apply(content, html, now);
        article.Revision = 1;
        return article;
    }

    public Result<IReadOnlyList<FieldChange>> Apply(ArticleContent c, string html, DateTimeOffset now)
    {
        if (Validate(c, html) is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        KbCategory.Set(changes, "slug", Slug, c.Slug!.Trim(), v => Slug = v);
        if (c.CategoryId != CategoryId)
        {
            changes.Add(new("categoryId", CategoryId?.ToString(), c.CategoryId?.ToString()));
            CategoryId = c.CategoryId;
        }

        KbCategory.Set(changes, "title", Title, c.Title!.Trim(), v => Title = v);
        KbCategory.Set(changes, "summary", Summary, c.Summary?.Trim() ?? "", v => Summary = v);
        KbCategory.Set(changes, "body", Body, c.Body ?? "", v => Body = v);
        Html = html;
        if (c.Position != Position)
        {
            changes.Add(new("position", Position.ToString(), c.Position.ToString()));
            Position = c.Position;
        }

        if (c.Status != Status)
        {
            changes.Add(new("status", WireName.Of(Status), WireName.Of(c.Status)));
        }

        Status = c.Status;
        if (Status == KbStatus.Published && PublishedAt is null)
        {
            PublishedAt = now;
        }

        if (changes.Count > 0)
        {
            UpdatedAt = now;
            Revision++;
            Version++;
        }

        return changes;
    }

    private static Invalid? Validate(ArticleContent c, string html)
    {
        var errors = new FieldErrors()
            .Required("title", c.Title, KbLimits.Title)
            .Required("slug", c.Slug, KbLimits.Key)
            .MaxLength("summary", c.Summary, KbLimits.Summary)
            .MaxLength("body", c.Body, KbLimits.Body);
        if (c.Slug is { Length: > 0 } slug && !KbKeys.IsSlug(slug.Trim()))
        {
            errors.Add("slug", "may contain only lower-case letters, digits, dashes and underscores (e.g. how-to-return-an-item).");
        }

        if (html.Length > KbLimits.Html)
        {
            errors.Add("body", "renders to too much HTML; split the article.");
        }

        if (c.Status == KbStatus.Published && string.IsNullOrWhiteSpace(c.Body))
        {
            errors.Add("body", "is required to publish the article.");
        }

        return errors.ToError();
    }
}
