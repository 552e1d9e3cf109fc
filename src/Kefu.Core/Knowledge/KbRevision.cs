namespace Kefu.Core.Knowledge;

public enum KbItemKind
{
    Faq,
    Article,
}

/// <summary>
/// A snapshot of an FAQ entry or an article as it was saved: kept for the history and for restoring. The columns
/// are shared: for an FAQ, Key/Title/Body/Similar are the id, question, answer and similar questions; for an
/// article, the slug, title, Markdown body and (in Summary) the summary.
/// </summary>
public sealed class KbRevision
{
    private KbRevision()
    {
    }

    public Guid Id { get; private set; }

    public KbItemKind ItemKind { get; private set; }

    public Guid ItemId { get; private set; }

    public int Number { get; private set; }

    public string Key { get; private set; } = "";

    public Guid? CategoryId { get; private set; }

    public string Title { get; private set; } = "";

    public string Summary { get; private set; } = "";

    public string Body { get; private set; } = "";

    public List<string> Similar { get; private set; } = [];

    public KbStatus Status { get; private set; }

    public int Position { get; private set; }

    public string ActorName { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public static KbRevision Of(Faq faq, string actorName, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        ItemKind = KbItemKind.Faq,
        ItemId = faq.Id,
        Number = faq.Revision,
        Key = faq.Key,
        CategoryId = faq.CategoryId,
        Title = faq.Question,
        Body = faq.Answer,
        Similar = [.. faq.Similar],
        Status = faq.Status,
        ActorName = actorName,
        CreatedAt = now,
    };

    public static KbRevision Of(Article article, string actorName, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        ItemKind = KbItemKind.Article,
        ItemId = article.Id,
        Number = article.Revision,
        Key = article.Slug,
        CategoryId = article.CategoryId,
        Title = article.Title,
        Summary = article.Summary,
        Body = article.Body,
        Status = article.Status,
        Position = article.Position,
        ActorName = actorName,
        CreatedAt = now,
    };

    /// <summary>The FAQ content of this revision, with the status the entry has now (restoring text never publishes by itself).</summary>
    public FaqContent AsFaq(KbStatus status) => new(Key, CategoryId, Title, Similar, Body, status);

    public ArticleContent AsArticle(KbStatus status) => new(Key, CategoryId, Title, Summary, Body, status, Position);
}
