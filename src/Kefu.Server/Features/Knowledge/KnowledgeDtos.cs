using Kefu.Core.Knowledge;

namespace Kefu.Server.Features.Knowledge;

public sealed record KbCategoryDto(Guid Id, string Slug, string NameZh, string NameEn, string DescriptionZh, string DescriptionEn, int Position)
{
    public static KbCategoryDto From(KbCategory c) => new(c.Id, c.Slug, c.NameZh, c.NameEn, c.DescriptionZh, c.DescriptionEn, c.Position);
}

public sealed record KbCategoryRequest(string? Slug, string? NameZh, string? NameEn, string? DescriptionZh, string? DescriptionEn, int? Position)
{
    public KbCategoryContent ToContent() => new(Slug, NameZh, NameEn, DescriptionZh, DescriptionEn, Position ?? 0);
}

public sealed record FaqDto(
    Guid Id, string Language, string Key, Guid? CategoryId, string Question, IReadOnlyList<string> Similar, string Answer,
    KbStatus Status, int Revision, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt)
{
    public static FaqDto From(Faq f) => new(f.Id, f.Language, f.Key, f.CategoryId, f.Question, f.Similar, f.Answer, f.Status, f.Revision, f.Version,
        f.CreatedAt, f.UpdatedAt, f.PublishedAt);
}

/// <summary>Create or replace an FAQ entry. A missing key gets a generated one; a missing status is draft.</summary>
public sealed record FaqRequest(string? Language, string? Key, Guid? CategoryId, string? Question, IReadOnlyList<string>? Similar, string? Answer, KbStatus? Status);

public sealed record ArticleDto(
    Guid Id, string Language, string Slug, Guid? CategoryId, string Title, string Summary, string Body, string Html, KbStatus Status, int Position,
    int Revision, int Version, int HelpfulCount, int NotHelpfulCount, int ViewCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt)
{
    public static ArticleDto From(Article a) => new(a.Id, a.Language, a.Slug, a.CategoryId, a.Title, a.Summary, a.Body, a.Html, a.Status, a.Position,
        a.Revision, a.Version, a.HelpfulCount, a.NotHelpfulCount, a.ViewCount, a.CreatedAt, a.UpdatedAt, a.PublishedAt);
}

/// <summary>Create or replace an article. A missing slug is made from the title (or generated for a Chinese title).</summary>
public sealed record ArticleRequest(string? Language, string? Slug, Guid? CategoryId, string? Title, string? Summary, string? Body, KbStatus? Status, int? Position);

public sealed record RevisionDto(int Number, KbStatus Status, string Key, Guid? CategoryId, string Title, string Summary, string Body, IReadOnlyList<string> Similar, string ActorName, DateTimeOffset CreatedAt)
{
    public static RevisionDto From(KbRevision r) => new(r.Number, r.Status, r.Key, r.CategoryId, r.Title, r.Summary, r.Body, r.Similar, r.ActorName, r.CreatedAt);
}

/// <summary>The outcome of a CSV import (rows are numbered as in the file, the header being row 1).</summary>
public sealed record FaqImportReport(int Created, int Updated, int Unchanged, int CategoriesCreated, bool DryRun);

public sealed record PreviewRequest(string? Body);

public sealed record PreviewDto(string Html);

public sealed record ContentGapDto(Guid Id, GapSource Source, string Language, string Text, int Count, DateTimeOffset FirstAt, DateTimeOffset LastAt, DateTimeOffset? ResolvedAt)
{
    public static ContentGapDto From(ContentGap g) => new(g.Id, g.Source, g.Language, g.Text, g.Count, g.FirstAt, g.LastAt, g.ResolvedAt);
}

/// <summary>Gaps grouped for authors: similar wordings of one question together, the most asked first.</summary>
public sealed record ContentGapGroup(string Text, int Count, GapSource Source, string Language, DateTimeOffset LastAt, IReadOnlyList<ContentGapDto> Items);
