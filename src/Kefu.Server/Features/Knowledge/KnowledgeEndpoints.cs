using System.Security.Claims;
using System.Text;
using Kefu.Core.Common;
using Kefu.Core.Knowledge;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Knowledge;

public sealed record FaqListQuery(string? Language, string? Status, Guid? Category, string? Q, int? Limit, string? Cursor);

public sealed record ArticleListQuery(string? Language, string? Status, Guid? Category, string? Q, int? Limit, string? Cursor);

/// <summary>
/// The knowledge base over REST: every agent reads it (agent assist), admins write it. Writes answer RFC 9457
/// problem details with the fields in error; a CSV import with any bad row is rejected whole.
/// </summary>
public static class KnowledgeEndpoints
{
    /// <summary>Largest import file (the API's request limit).</summary>
    public const int MaxImportBytes = (int)KefuHost.MaxRequestBody;

    public static void MapKnowledgeEndpoints(this IEndpointRouteBuilder app)
    {
        var kb = app.MapGroup("/api/v1/kb").WithTags("Knowledge base");

        kb.MapGet("/categories", ListCategories).RequireAuthorization(Policies.DirectoryRead).WithSummary("Knowledge-base categories in display order.");
        kb.MapPost("/categories", CreateCategory).RequireAuthorization(Policies.Admin).WithSummary("Create a category (admins): slug and names in Chinese and English.");
        kb.MapPut("/categories/{id:guid}", UpdateCategory).RequireAuthorization(Policies.Admin).WithSummary("Replace a category (admins).");
        kb.MapDelete("/categories/{id:guid}", DeleteCategory).RequireAuthorization(Policies.Admin).WithSummary("Delete a category (admins); its entries and articles stay, uncategorised.");

        kb.MapGet("/faqs", ListFaqs).RequireAuthorization(Policies.DirectoryRead)
            .WithSummary("FAQ entries, filtered by language, status (draft, published, archived), category and text (q).");
        kb.MapGet("/faqs/export", ExportFaqs).RequireAuthorization(Policies.DirectoryRead)
            .WithSummary("The FAQ entries of a language as CSV: id,category,question,similar,answer (similar questions separated by |, RFC 4180).");
        kb.MapPost("/faqs/import", ImportFaqs).RequireAuthorization(Policies.Admin).DisableAntiforgery()
            .WithSummary("Import FAQ entries from CSV (admins): the text/csv body or a multipart file. Known ids are updated, others created; ?publish=true publishes every row; ?dryRun=true only checks. Any bad row rejects the file (errors name rows[N].field) and nothing is written.");
        kb.MapGet("/faqs/{id:guid}", GetFaq).RequireAuthorization(Policies.DirectoryRead).WithSummary("One FAQ entry; the ETag is its version.");
        kb.MapPost("/faqs", CreateFaq).RequireAuthorization(Policies.Admin).WithSummary("Create an FAQ entry (admins): question, similar questions, answer, language, category, status.");
        kb.MapPut("/faqs/{id:guid}", ReplaceFaq).RequireAuthorization(Policies.Admin)
            .WithSummary("Replace an FAQ entry (admins); a change is a new revision. Send If-Match with the version to detect concurrent edits (409).");
        kb.MapDelete("/faqs/{id:guid}", DeleteFaq).RequireAuthorization(Policies.Admin).WithSummary("Delete an FAQ entry and its history (admins). To hide it, archive it instead.");
        kb.MapGet("/faqs/{id:guid}/revisions", FaqRevisions).RequireAuthorization(Policies.DirectoryRead).WithSummary("The entry's revisions, newest first.");
        kb.MapPost("/faqs/{id:guid}/revisions/{number:int}/restore", RestoreFaq).RequireAuthorization(Policies.Admin)
            .WithSummary("Restore an earlier revision's text (admins) as a new revision; the entry keeps its current status.");

        kb.MapGet("/articles", ListArticles).RequireAuthorization(Policies.DirectoryRead)
            .WithSummary("Articles (without bodies), filtered by language, status, category and text (q).");
        kb.MapPost("/articles/preview", Preview).RequireAuthorization(Policies.DirectoryRead).WithSummary("Render Markdown as the help center would (sanitized HTML).");
        kb.MapPost("/articles/import", ImportArticle).RequireAuthorization(Policies.Admin).DisableAntiforgery()
            .WithSummary("Import one Markdown article (admins): front matter (slug, title, summary, language, category, status) and body; an existing slug is updated.");
        kb.MapGet("/articles/{id:guid}", GetArticle).RequireAuthorization(Policies.DirectoryRead).WithSummary("One article with its Markdown and rendered HTML; the ETag is its version.");
        kb.MapGet("/articles/{id:guid}/markdown", ExportArticle).RequireAuthorization(Policies.DirectoryRead).WithSummary("The article as a Markdown file with front matter.");
        kb.MapPost("/articles", CreateArticle).RequireAuthorization(Policies.Admin).WithSummary("Create an article (admins). The body is Markdown; the slug is made from the title when missing.");
        kb.MapPut("/articles/{id:guid}", ReplaceArticle).RequireAuthorization(Policies.Admin)
            .WithSummary("Replace an article (admins); a change is a new revision. Send If-Match with the version to detect concurrent edits (409).");
        kb.MapDelete("/articles/{id:guid}", DeleteArticle).RequireAuthorization(Policies.Admin).WithSummary("Delete an article and its history (admins).");
        kb.MapGet("/articles/{id:guid}/revisions", ArticleRevisions).RequireAuthorization(Policies.DirectoryRead).WithSummary("The article's revisions, newest first.");
        kb.MapPost("/articles/{id:guid}/revisions/{number:int}/restore", RestoreArticle).RequireAuthorization(Policies.Admin)
            .WithSummary("Restore an earlier revision (admins) as a new revision; the article keeps its current status.");

        kb.MapGet("/gaps", Gaps).RequireAuthorization(Policies.DirectoryRead)
            .WithSummary("Content gaps: questions the bot could not answer and help-center searches without results, grouped by wording, most asked first.");
        kb.MapPost("/gaps/{id:guid}/resolve", ResolveGap).RequireAuthorization(Policies.Admin).WithSummary("Mark a gap as answered (admins); it opens again if asked again.");
    }

    // ---- Categories ---------------------------------------------------------------------------------------------

    private static async Task<Ok<List<KbCategoryDto>>> ListCategories(KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.KbCategories.AsNoTracking().OrderBy(c => c.Position).ThenBy(c => c.Slug).ToListAsync(ct)).Select(KbCategoryDto.From).ToList());

    private static async Task<Results<Created<KbCategoryDto>, ProblemHttpResult>> CreateCategory(
        KbCategoryRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var created = await KnowledgeCommands.CreateCategoryAsync(db, user.ToActor(), clock.GetUtcNow(), request, ct);
        return created.IsOk ? TypedResults.Created($"/api/v1/kb/categories/{created.Value.Id}", KbCategoryDto.From(created.Value)) : Problems.From(created.Error!);
    }

    private static async Task<Results<Ok<KbCategoryDto>, ProblemHttpResult>> UpdateCategory(
        Guid id, KbCategoryRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var updated = await KnowledgeCommands.UpdateCategoryAsync(db, user.ToActor(), clock.GetUtcNow(), id, request, ct);
        return updated.IsOk ? TypedResults.Ok(KbCategoryDto.From(updated.Value)) : Problems.From(updated.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteCategory(Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        await KnowledgeCommands.DeleteCategoryAsync(db, user.ToActor(), clock.GetUtcNow(), id, ct) is { } error ? Problems.From(error) : TypedResults.NoContent();

    // ---- FAQ --------------------------------------------------------------------------------------------------------

    private static async Task<Results<Ok<Conversations.Page<FaqDto>>, ProblemHttpResult>> ListFaqs([AsParameters] FaqListQuery query, KefuDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (limit, offset) = Paging(query.Limit, query.Cursor, errors);
        var status = Wire.Enum<KbStatus>(query.Status, "status", errors);
        if (query.Language is not null && !KbLanguages.IsSupported(query.Language))
        {
            errors.Add("language", "must be \"zh-CN\" or \"en\".");
        }

        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        var q = db.Faqs.AsNoTracking();
        q = query.Language is { } language ? q.Where(f => f.Language == language) : q;
        q = status is { } s ? q.Where(f => f.Status == s) : q;
        q = query.Category is { } category ? q.Where(f => f.CategoryId == category) : q;
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var text = query.Q.Trim();
            q = q.Where(f => f.Question.Contains(text) || f.Answer.Contains(text) || f.Key == text);
        }

        var items = await q.OrderBy(f => f.Language).ThenBy(f => f.Key).Skip(offset).Take(limit + 1).ToListAsync(ct);
        return TypedResults.Ok(new Conversations.Page<FaqDto>(items.Take(limit).Select(FaqDto.From).ToList(), items.Count > limit ? (offset + limit).ToString() : null));
    }

    private static async Task<Results<Ok<FaqDto>, ProblemHttpResult>> GetFaq(Guid id, HttpResponse response, KefuDbContext db, CancellationToken ct)
    {
        if (await db.Faqs.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct) is not { } faq)
        {
            return Problems.From(new NotFound("FAQ entry", id.ToString()));
        }

        response.Headers.ETag = $"\"{faq.Version}\"";
        return TypedResults.Ok(FaqDto.From(faq));
    }

    private static async Task<Results<Created<FaqDto>, ProblemHttpResult>> CreateFaq(FaqRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var created = await KnowledgeCommands.CreateFaqAsync(db, user.ToActor(), clock.GetUtcNow(), request, ct);
        return created.IsOk ? TypedResults.Created($"/api/v1/kb/faqs/{created.Value.Id}", FaqDto.From(created.Value)) : Problems.From(created.Error!);
    }

    private static async Task<Results<Ok<FaqDto>, ProblemHttpResult>> ReplaceFaq(
        Guid id, FaqRequest request, HttpRequest http, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var version = Wire.IfMatch(http);
        if (!version.IsOk)
        {
            return Problems.From(version.Error!);
        }

        var replaced = await KnowledgeCommands.ReplaceFaqAsync(db, user.ToActor(), clock.GetUtcNow(), id, version.Value, request, ct);
        return replaced.IsOk ? TypedResults.Ok(FaqDto.From(replaced.Value)) : Problems.From(replaced.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteFaq(Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        await KnowledgeCommands.DeleteFaqAsync(db, user.ToActor(), clock.GetUtcNow(), id, ct) is { } error ? Problems.From(error) : TypedResults.NoContent();

    private static async Task<Results<Ok<List<RevisionDto>>, ProblemHttpResult>> FaqRevisions(Guid id, KefuDbContext db, CancellationToken ct) =>
        await db.Faqs.AnyAsync(f => f.Id == id, ct)
            ? TypedResults.Ok((await db.KbRevisions.AsNoTracking().Where(r => r.ItemId == id).OrderByDescending(r => r.Number).ToListAsync(ct)).Select(RevisionDto.From).ToList())
            : Problems.From(new NotFound("FAQ entry", id.ToString()));

    private static async Task<Results<Ok<FaqDto>, ProblemHttpResult>> RestoreFaq(Guid id, int number, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var restored = await KnowledgeCommands.RestoreFaqAsync(db, user.ToActor(), clock.GetUtcNow(), id, number, ct);
        return restored.IsOk ? TypedResults.Ok(FaqDto.From(restored.Value)) : Problems.From(restored.Error!);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportFaqs(string? language, string? status, KefuDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!KbLanguages.IsSupported(language))
        {
            errors.Add("language", "is required: \"zh-CN\" or \"en\".");
        }

        var s = Wire.Enum<KbStatus>(status, "status", errors);
        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        var csv = await KnowledgeCommands.ExportFaqsAsync(db, language!, s, ct);
        return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), "text/csv; charset=utf-8", $"faq-{language}.csv");
    }

    private static async Task<Results<Ok<FaqImportReport>, ProblemHttpResult>> ImportFaqs(
        string? language, bool? publish, bool? dryRun, HttpRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var text = await ReadUploadAsync(request, ct);
        if (!text.IsOk)
        {
            return Problems.From(text.Error!);
        }

        var imported = await KnowledgeCommands.ImportFaqsAsync(db, user.ToActor(), clock.GetUtcNow(), language, text.Value, publish ?? false, dryRun ?? false, ct);
        return imported.IsOk ? TypedResults.Ok(imported.Value) : Problems.From(imported.Error!);
    }

    // ---- Articles ---------------------------------------------------------------------------------------------------

    private static async Task<Results<Ok<Conversations.Page<ArticleDto>>, ProblemHttpResult>> ListArticles([AsParameters] ArticleListQuery query, KefuDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var (limit, offset) = Paging(query.Limit, query.Cursor, errors);
        var status = Wire.Enum<KbStatus>(query.Status, "status", errors);
        if (query.Language is not null && !KbLanguages.IsSupported(query.Language))
        {
            errors.Add("language", "must be \"zh-CN\" or \"en\".");
        }

        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        var q = db.Articles.AsNoTracking();
        q = query.Language is { } language ? q.Where(a => a.Language == language) : q;
        q = status is { } s ? q.Where(a => a.Status == s) : q;
        q = query.Category is { } category ? q.Where(a => a.CategoryId == category) : q;
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var text = query.Q.Trim();
            q = q.Where(a => a.Title.Contains(text) || a.Summary.Contains(text) || a.Slug == text);
        }

        var items = await q.OrderBy(a => a.Language).ThenBy(a => a.Position).ThenBy(a => a.Title).Skip(offset).Take(limit + 1).ToListAsync(ct);
        var page = items.Take(limit).Select(a => ArticleDto.From(a) with { Body = "", Html = "" }).ToList();
        return TypedResults.Ok(new Conversations.Page<ArticleDto>(page, items.Count > limit ? (offset + limit).ToString() : null));
    }

    private static async Task<Results<Ok<ArticleDto>, ProblemHttpResult>> GetArticle(Guid id, HttpResponse response, KefuDbContext db, CancellationToken ct)
    {
        if (await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) is not { } article)
        {
            return Problems.From(new NotFound("Article", id.ToString()));
        }

        response.Headers.ETag = $"\"{article.Version}\"";
        return TypedResults.Ok(ArticleDto.From(article));
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportArticle(Guid id, KefuDbContext db, CancellationToken ct)
    {
        if (await db.Articles.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) is not { } article)
        {
            return Problems.From(new NotFound("Article", id.ToString()));
        }

        var slug = article.CategoryId is { } c ? await db.KbCategories.Where(x => x.Id == c).Select(x => x.Slug).FirstOrDefaultAsync(ct) : null;
        return TypedResults.File(Encoding.UTF8.GetBytes(KnowledgeMarkdown.Export(article, slug)), "text/markdown; charset=utf-8", $"{article.Slug}.{article.Language}.md");
    }

    private static Ok<PreviewDto> Preview(PreviewRequest request) => TypedResults.Ok(new PreviewDto(KnowledgeMarkdown.ToHtml(request.Body)));

    private static async Task<Results<Created<ArticleDto>, ProblemHttpResult>> CreateArticle(ArticleRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var created = await KnowledgeCommands.CreateArticleAsync(db, user.ToActor(), clock.GetUtcNow(), request, ct);
        return created.IsOk ? TypedResults.Created($"/api/v1/kb/articles/{created.Value.Id}", ArticleDto.From(created.Value)) : Problems.From(created.Error!);
    }

    private static async Task<Results<Ok<ArticleDto>, ProblemHttpResult>> ReplaceArticle(
        Guid id, ArticleRequest request, HttpRequest http, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var version = Wire.IfMatch(http);
        if (!version.IsOk)
        {
            return Problems.From(version.Error!);
        }

        var replaced = await KnowledgeCommands.ReplaceArticleAsync(db, user.ToActor(), clock.GetUtcNow(), id, version.Value, request, ct);
        return replaced.IsOk ? TypedResults.Ok(ArticleDto.From(replaced.Value)) : Problems.From(replaced.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteArticle(Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        await KnowledgeCommands.DeleteArticleAsync(db, user.ToActor(), clock.GetUtcNow(), id, ct) is { } error ? Problems.From(error) : TypedResults.NoContent();

    private static async Task<Results<Ok<List<RevisionDto>>, ProblemHttpResult>> ArticleRevisions(Guid id, KefuDbContext db, CancellationToken ct) =>
        await db.Articles.AnyAsync(a => a.Id == id, ct)
            ? TypedResults.Ok((await db.KbRevisions.AsNoTracking().Where(r => r.ItemId == id).OrderByDescending(r => r.Number).ToListAsync(ct)).Select(RevisionDto.From).ToList())
            : Problems.From(new NotFound("Article", id.ToString()));

    private static async Task<Results<Ok<ArticleDto>, ProblemHttpResult>> RestoreArticle(Guid id, int number, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var restored = await KnowledgeCommands.RestoreArticleAsync(db, user.ToActor(), clock.GetUtcNow(), id, number, ct);
        return restored.IsOk ? TypedResults.Ok(ArticleDto.From(restored.Value)) : Problems.From(restored.Error!);
    }

    private static async Task<Results<Ok<ArticleDto>, Created<ArticleDto>, ProblemHttpResult>> ImportArticle(
        string? language, HttpRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var text = await ReadUploadAsync(request, ct);
        if (!text.IsOk)
        {
            return Problems.From(text.Error!);
        }

        var imported = await KnowledgeCommands.ImportArticleAsync(db, user.ToActor(), clock.GetUtcNow(), text.Value, language, ct);
        if (!imported.IsOk)
        {
            return Problems.From(imported.Error!);
        }

        var dto = ArticleDto.From(imported.Value.Article);
        return imported.Value.Created ? TypedResults.Created($"/api/v1/kb/articles/{dto.Id}", dto) : TypedResults.Ok(dto);
    }

    // ---- Gaps -------------------------------------------------------------------------------------------------------

    private static async Task<Results<Ok<List<ContentGapGroup>>, ProblemHttpResult>> Gaps(string? source, string? language, bool? resolved, KefuDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var s = Wire.Enum<GapSource>(source, "source", errors);
        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        return TypedResults.Ok(await ContentGaps.GroupedAsync(db, s, language, resolved ?? false, 200, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ResolveGap(Guid id, KefuDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var gap = await db.ContentGaps.FirstOrDefaultAsync(g => g.Id == id, ct);
        if (gap is null)
        {
            return Problems.From(new NotFound("Content gap", id.ToString()));
        }

        gap.Resolve(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    // ---- Helpers ----------------------------------------------------------------------------------------------------

    private static (int Limit, int Offset) Paging(int? limit, string? cursor, FieldErrors errors)
    {
        if (limit is < 1 or > 500)
        {
            errors.Add("limit", "must be between 1 and 500.");
        }

        var offset = 0;
        if (cursor is not null && (!int.TryParse(cursor, out offset) || offset < 0))
        {
            errors.Add("cursor", "is not a cursor from a previous page.");
        }

        return (limit is >= 1 and <= 500 ? limit.Value : 50, Math.Max(0, offset));
    }

    /// <summary>The uploaded text: a multipart file or the raw body (UTF-8, a BOM is dropped).</summary>
    private static async Task<Result<string>> ReadUploadAsync(HttpRequest request, CancellationToken ct)
    {
        Stream stream;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            if (form.Files.FirstOrDefault() is not { } file)
            {
                return Invalid.Field("file", "is required: attach the file.");
            }

            stream = file.OpenReadStream();
        }
        else
        {
            stream = request.Body;
        }

        await using (stream)
        {
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var buffer = new char[MaxImportBytes + 1];
            var read = await reader.ReadBlockAsync(buffer, ct);
            if (read > MaxImportBytes)
            {
                return Invalid.Field("file", $"must be at most {MaxImportBytes} characters; split it into several imports.");
            }

            var text = new string(buffer, 0, read).TrimStart('\uFEFF');
            return string.IsNullOrWhiteSpace(text) ? Invalid.Field("file", "is empty.") : text;
        }
    }
}
