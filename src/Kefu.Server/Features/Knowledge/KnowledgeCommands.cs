using Kefu.Assistant.Data;
using Kefu.Core.Common;
using Kefu.Core.Knowledge;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Knowledge;

/// <summary>
/// Knowledge-base writes shared by the REST API and the admin pages. Each call is one transaction that also bumps the
/// knowledge-base version (the assistant rebuilds its models when it moves) and records a revision; a failure writes nothing.
/// </summary>
public static class KnowledgeCommands
{
    public const int MaxImportRows = 20_000;

    // ---- Categories -----------------------------------------------------------------------------------------------

    public static async Task<Result<KbCategory>> CreateCategoryAsync(KefuDbContext db, Actor actor, DateTimeOffset now, KbCategoryRequest request, CancellationToken ct)
    {
        var created = KbCategory.Create(Guid.CreateVersion7(now), request.ToContent(), now);
        if (!created.IsOk)
        {
            return created.Error!;
        }

        if (await db.KbCategories.AnyAsync(c => c.Slug == created.Value.Slug, ct))
        {
            return Invalid.Field("slug", $"another category already uses the slug '{created.Value.Slug}'.");
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.KbCategories.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(actor, now, "kb_category", created.Value.Id, "created", new("slug", null, created.Value.Slug)));
        await db.NextAsync(KnowledgeVersion.Counter, ct);
        return await CommitAsync(db, tx, created.Value, "slug", ct);
    }

    public static async Task<Result<KbCategory>> UpdateCategoryAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, KbCategoryRequest request, CancellationToken ct)
    {
        var category = await db.KbCategories.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (category is null)
        {
            return new NotFound("Category", id.ToString());
        }

        var changes = category.Apply(request.ToContent());
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        if (await db.KbCategories.AnyAsync(c => c.Slug == category.Slug && c.Id != id, ct))
        {
            return Invalid.Field("slug", $"another category already uses the slug '{category.Slug}'.");
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "kb_category", id, changes.Value));
        await db.NextAsync(KnowledgeVersion.Counter, ct);
        return await CommitAsync(db, tx, category, "slug", ct);
    }

    public static async Task<Error?> DeleteCategoryAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, CancellationToken ct)
    {
        var category = await db.KbCategories.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (category is null)
        {
            return new NotFound("Category", id.ToString());
        }

        // Entries and articles of the category stay, without a category.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Faqs.Where(f => f.CategoryId == id).ExecuteUpdateAsync(s => s.SetProperty(f => f.CategoryId, (Guid?)null), ct);
        await db.Articles.Where(a => a.CategoryId == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.CategoryId, (Guid?)null), ct);
        db.KbCategories.Remove(category);
        db.Activities.Add(ActivityEntry.Create(actor, now, "kb_category", id, "deleted", new("slug", category.Slug, null)));
        await db.NextAsync(KnowledgeVersion.Counter, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    // ---- FAQ entries ----------------------------------------------------------------------------------------------

    public static async Task<Result<Faq>> CreateFaqAsync(KefuDbContext db, Actor actor, DateTimeOffset now, FaqRequest request, CancellationToken ct)
    {
        var key = string.IsNullOrWhiteSpace(request.Key) ? NewKey("faq") : request.Key.Trim();
        var content = new FaqContent(key, request.CategoryId, request.Question, request.Similar, request.Answer, request.Status ?? KbStatus.Draft);
        var created = Faq.Create(Guid.CreateVersion7(now), request.Language, content, now);
        var errors = new FieldErrors().Include(created.Error);
        await CheckCategoryAsync(db, errors, request.CategoryId, ct);
        if (created.IsOk && await db.Faqs.AnyAsync(f => f.Language == created.Value.Language && f.Key == created.Value.Key, ct))
        {
            errors.Add("key", $"another {created.Value.Language} FAQ entry already has the id '{created.Value.Key}'.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var faq = created.Value;
        db.Faqs.Add(faq);
        db.KbRevisions.Add(KbRevision.Of(faq, actor.Name, now));
        db.Activities.Add(ActivityEntry.Create(actor, now, "faq", faq.Id, "created", new("key", null, faq.Key)));
        await db.NextAsync(KnowledgeVersion.Counter, ct);
        return await CommitAsync(db, tx, faq, "key", ct);
    }

    public static async Task<Result<Faq>> ReplaceFaqAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, int? expectedVersion, FaqRequest request, CancellationToken ct)
    {
        var faq = await db.Faqs.FirstOrDefaultAsync(f => f.Id == id, ct);
        if (faq is null)
        {
            return new NotFound("FAQ entry", id.ToString());
        }

        if (expectedVersion is not null && expectedVersion != faq.Version)
        {
            return new Conflict($"The FAQ entry was changed by someone else (it is now at version {faq.Version}). Reload it and apply your change again.");
        }

        var errors = new FieldErrors();
        if (request.Language is not null && request.Language != faq.Language)
        {
            errors.Add("language", "cannot change; create the entry in the other language instead.");
        }

        await CheckCategoryAsync(db, errors, request.CategoryId, ct);
        var content = new FaqContent(string.IsNullOrWhiteSpace(request.Key) ? faq.Key : request.Key, request.CategoryId, request.Question, request.Similar, request.Answer, request.Status ?? faq.Status);
        return await ApplyFaqAsync(db, actor, now, faq, content, errors, ct);
    }

    public static async Task<Result<Faq>> RestoreFaqAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, int number, CancellationToken ct)
    {
        var faq = await db.Faqs.FirstOrDefaultAsync(f => f.Id == id, ct);
        if (faq is null)
        {
            return new NotFound("FAQ entry", id.ToString());
        }

        var revision = await db.KbRevisions.AsNoTracking().FirstOrDefaultAsync(r => r.ItemId == id && r.Number == number, ct);
        if (revision is null)
        {
            return new NotFound("Revision", $"{id}/{number}");
        }

        var errors = new FieldErrors();
        var content = revision.AsFaq(faq.Status);
        if (content.CategoryId is { } c && !await db.KbCategories.AnyAsync(x => x.Id == c, ct))
        {
            content = content with { CategoryId = null };
        }

        return await ApplyFaqAsync(db, actor, now, faq, content, errors, ct);
    }

    private static async Task<Result<Faq>> ApplyFaqAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Faq faq, FaqContent content, FieldErrors errors, CancellationToken ct)
    {
        var key = content.Key?.Trim();
        if (key is { Length: > 0 } && key != faq.Key && await db.Faqs.AnyAsync(f => f.Language == faq.Language && f.Key == key && f.Id != faq.Id, ct))
        {
            errors.Add("key", $"another {faq.Language} FAQ entry already has the id '{key}'.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = faq.Apply(content, now);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        if (changes.Value.Count == 0)
        {
            return faq;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.KbRevisions.Add(KbRevision.Of(faq, actor.Name, now));
        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "faq", faq.Id, changes.Value));
        await db.NextAsync(KnowledgeVersion.Counter, ct);
        return await CommitAsync(db, tx, faq, "key", ct);
    }

    public static async Task<Error?> DeleteFaqAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, CancellationToken ct)
    {
        var faq = await db.Faqs.FirstOrDefaultAsync(f => f.Id == id, ct);
        if (faq is null)
        {
            return new NotFound("FAQ entry", id.ToString());
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Faqs.Remove(faq);
        await db.KbRevisions.Where(r => r.ItemId == id).ExecuteDeleteAsync(ct);
        db.Activities.Add(ActivityEntry.Create(actor, now, "faq", id, "deleted", new("key", faq.Key, null)));
        await db.NextAsync(KnowledgeVersion.Counter, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>
    /// Imports an FAQ CSV (<c>id,category,question,similar,answer</c>, similar questions separated by <c>|</c>) into one
    /// language: a known id updates its entry, a new or empty id creates one, an unknown category slug creates the
    /// category. Every row is checked first; any error rejects the whole file with the row and field named, and nothing is written.
    /// </summary>
    public static async Task<Result<FaqImportReport>> ImportFaqsAsync(
        KefuDbContext db, Actor actor, DateTimeOffset now, string? language, string csv, bool publish, bool dryRun, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!KbLanguages.IsSupported(language))
        {
            return Invalid.Field("language", "must be \"zh-CN\" or \"en\".");
        }

        List<string[]> rows;
        try
        {
            rows = Csv.Parse(csv);
        }
        catch (FormatException e)
        {
            return Invalid.Field("file", e.Message + ".");
        }

        if (rows.Count == 0)
        {
            return Invalid.Field("file", "is empty; expected the header id,category,question,similar,answer.");
        }

        var header = rows[0].Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
        string[] columns = ["id", "category", "question", "similar", "answer"];
        var at = columns.Select(c => header.IndexOf(c)).ToArray();
        if (at[2] < 0 || at[4] < 0)
        {
            return Invalid.Field("file", $"the header must name the columns {string.Join(",", columns)} (found: {string.Join(",", rows[0])}).");
        }

        if (rows.Count - 1 > MaxImportRows)
        {
            return Invalid.Field("file", $"has {rows.Count - 1} rows; import at most {MaxImportRows} at a time.");
        }

        var existing = await db.Faqs.Where(f => f.Language == language).ToDictionaryAsync(f => f.Key, StringComparer.Ordinal, ct);
        var categories = await db.KbCategories.ToDictionaryAsync(c => c.Slug, StringComparer.Ordinal, ct);
        var newCategories = new Dictionary<string, KbCategory>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var plan = new List<(Faq? Existing, FaqContent Content, string Prefix)>();
        for (var i = 1; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            var prefix = $"rows[{i + 1}].";
            string Field(int column) => at[column] >= 0 && at[column] < row.Length ? row[at[column]].Trim() : "";
            if (row.Length != header.Count)
            {
                errors.Add(prefix.TrimEnd('.'), $"has {row.Length} fields, the header has {header.Count} (quote fields that contain commas).");
                continue;
            }

            var key = Field(0).Length > 0 ? Field(0) : NewKey("faq");
            if (seen.TryGetValue(key, out var first))
            {
                errors.Add(prefix + "id", $"repeats the id '{key}' of row {first}.");
                continue;
            }

            seen[key] = i + 1;
            Guid? categoryId = null;
            var slug = Field(1);
            if (slug.Length > 0)
            {
                if (categories.TryGetValue(slug, out var category) || newCategories.TryGetValue(slug, out category))
                {
                    categoryId = category.Id;
                }
                else
                {
                    var made = KbCategory.Create(Guid.CreateVersion7(now), new KbCategoryContent(slug, slug, slug, null, null, categories.Count + newCategories.Count), now);
                    if (!made.IsOk)
                    {
                        errors.Add(prefix + "category", $"'{slug}' is not a category slug: lower-case letters, digits, dashes and underscores.");
                        continue;
                    }

                    newCategories[slug] = made.Value;
                    categoryId = made.Value.Id;
                }
            }

            var similar = Field(3).Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            existing.TryGetValue(key, out var current);
            var status = publish ? KbStatus.Published : current?.Status ?? KbStatus.Draft;
            var content = new FaqContent(key, categoryId, Field(2), similar, Field(4), status);
            var check = Faq.Create(Guid.Empty, language, content, now, prefix);
            if (!check.IsOk)
            {
                errors.Include(check.Error);
                continue;
            }

            plan.Add((current, content, prefix));
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        int created = 0, updated = 0, unchanged = 0;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.KbCategories.AddRange(newCategories.Values);
        foreach (var (current, content, prefix) in plan)
        {
            if (current is null)
            {
                var faq = Faq.Create(Guid.CreateVersion7(now), language, content, now, prefix).Value;
                db.Faqs.Add(faq);
                db.KbRevisions.Add(KbRevision.Of(faq, actor.Name, now));
                created++;
                continue;
            }

            var changes = current.Apply(content, now, prefix).Value;
            if (changes.Count == 0)
            {
                unchanged++;
                continue;
            }

            db.KbRevisions.Add(KbRevision.Of(current, actor.Name, now));
            updated++;
        }

        var report = new FaqImportReport(created, updated, unchanged, newCategories.Count, dryRun);
        if (dryRun)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return report;
        }

        db.Activities.Add(ActivityEntry.Create(actor, now, "kb", Guid.Empty, "faq_imported", new("rows", null, $"{language}: {created} created, {updated} updated, {unchanged} unchanged")));
        await db.NextAsync(KnowledgeVersion.Counter, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return new Conflict("The knowledge base changed during the import (an id or category was added meanwhile). Import the file again.");
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Conflict("An FAQ entry in the file was changed during the import. Import the file again.");
        }

        await tx.CommitAsync(ct);
        return report;
    }

    public static async Task<string> ExportFaqsAsync(KefuDbContext db, string language, KbStatus? status, CancellationToken ct)
    {
        var query = db.Faqs.AsNoTracking().Where(f => f.Language == language);
        if (status is { } s)
        {
            query = query.Where(f => f.Status == s);
        }

        var faqs = await query.OrderBy(f => f.Key).ToListAsync(ct);
        var slugs = await db.KbCategories.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Slug, ct);
        return FaqCsv.Write(faqs.Select(f => new FaqEntry(f.Key, f.CategoryId is { } c && slugs.TryGetValue(c, out var slug) ? slug : "", f.Question, f.Similar, f.Answer)));
    }

    // ---- Articles -------------------------------------------------------------------------------------------------

    public static async Task<Result<Article>> CreateArticleAsync(KefuDbContext db, Actor actor, DateTimeOffset now, ArticleRequest request, CancellationToken ct)
    {
        var slug = string.IsNullOrWhiteSpace(request.Slug)
            ? await FreeSlugAsync(db, request.Language ?? "", KbKeys.Slugify(request.Title ?? "") is { Length: > 0 } s ? s : NewKey("article"), ct)
            : request.Slug.Trim();
        var content = new ArticleContent(slug, request.CategoryId, request.Title, request.Summary, request.Body, request.Status ?? KbStatus.Draft, request.Position ?? 0);
        var created = Article.Create(Guid.CreateVersion7(now), request.Language, content, KnowledgeMarkdown.ToHtml(request.Body), now);
        var errors = new FieldErrors().Include(created.Error);
        await CheckCategoryAsync(db, errors, request.CategoryId, ct);
        if (created.IsOk && await db.Articles.AnyAsync(a => a.Language == created.Value.Language && a.Slug == created.Value.Slug, ct))
        {
            errors.Add("slug", $"another {created.Value.Language} article already has the slug '{created.Value.Slug}'.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var article = created.Value;
        db.Articles.Add(article);
        db.KbRevisions.Add(KbRevision.Of(article, actor.Name, now));
        db.Activities.Add(ActivityEntry.Create(actor, now, "article", article.Id, "created", new("slug", null, article.Slug)));
        await db.NextAsync(KnowledgeVersion.Counter, ct);
        return await CommitAsync(db, tx, article, "slug", ct);
    }

    public static async Task<Result<Article>> ReplaceArticleAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, int? expectedVersion, ArticleRequest request, CancellationToken ct)
    {
        var article = await db.Articles.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null)
        {
            return new NotFound("Article", id.ToString());
        }

        if (expectedVersion is not null && expectedVersion != article.Version)
        {
            return new Conflict($"The article was changed by someone else (it is now at version {article.Version}). Reload it and apply your change again.");
        }

        var errors = new FieldErrors();
        if (request.Language is not null && request.Language != article.Language)
        {
            errors.Add("language", "cannot change; write the article in the other language as its own article.");
        }

        await CheckCategoryAsync(db, errors, request.CategoryId, ct);
        var content = new ArticleContent(string.IsNullOrWhiteSpace(request.Slug) ? article.Slug : request.Slug, request.CategoryId, request.Title, request.Summary,
            request.Body, request.Status ?? article.Status, request.Position ?? article.Position);
        return await ApplyArticleAsync(db, actor, now, article, content, errors, ct);
    }

    public static async Task<Result<Article>> RestoreArticleAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, int number, CancellationToken ct)
    {
        var article = await db.Articles.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null)
        {
            return new NotFound("Article", id.ToString());
        }

        var revision = await db.KbRevisions.AsNoTracking().FirstOrDefaultAsync(r => r.ItemId == id && r.Number == number, ct);
        if (revision is null)
        {
            return new NotFound("Revision", $"{id}/{number}");
        }

        var content = revision.AsArticle(article.Status);
        if (content.CategoryId is { } c && !await db.KbCategories.AnyAsync(x => x.Id == c, ct))
        {
            content = content with { CategoryId = null };
        }

        return await ApplyArticleAsync(db, actor, now, article, content, new FieldErrors(), ct);
    }

    private static async Task<Result<Article>> ApplyArticleAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Article article, ArticleContent content, FieldErrors errors, CancellationToken ct)
    {
        var slug = content.Slug?.Trim();
        if (slug is { Length: > 0 } && slug != article.Slug && await db.Articles.AnyAsync(a => a.Language == article.Language && a.Slug == slug && a.Id != article.Id, ct))
        {
            errors.Add("slug", $"another {article.Language} article already has the slug '{slug}'.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = article.Apply(content, KnowledgeMarkdown.ToHtml(content.Body), now);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        if (changes.Value.Count == 0)
        {
            return article;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.KbRevisions.Add(KbRevision.Of(article, actor.Name, now));
        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "article", article.Id, changes.Value.Select(c => c.Field == "body" ? c with { Before = null, After = null } : c)));
        await db.NextAsync(KnowledgeVersion.Counter, ct);
        return await CommitAsync(db, tx, article, "slug", ct);
    }

    public static async Task<Error?> DeleteArticleAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, CancellationToken ct)
    {
        var article = await db.Articles.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (article is null)
        {
            return new NotFound("Article", id.ToString());
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Articles.Remove(article);
        await db.KbRevisions.Where(r => r.ItemId == id).ExecuteDeleteAsync(ct);
        db.Activities.Add(ActivityEntry.Create(actor, now, "article", id, "deleted", new("slug", article.Slug, null)));
        await db.NextAsync(KnowledgeVersion.Counter, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>
    /// Imports one Markdown file as an article: the front matter names slug, title, summary, language, category and
    /// status; an existing slug in that language is updated (a new revision), otherwise the article is created.
    /// </summary>
    public static async Task<Result<(Article Article, bool Created)>> ImportArticleAsync(
        KefuDbContext db, Actor actor, DateTimeOffset now, string markdown, string? defaultLanguage, CancellationToken ct)
    {
        var (front, body) = KnowledgeMarkdown.Parse(markdown);
        var language = front.GetValueOrDefault("language") is { Length: > 0 } l ? l : defaultLanguage;
        var errors = new FieldErrors();
        KbStatus? status = null;
        if (front.GetValueOrDefault("status") is { Length: > 0 } s)
        {
            status = s.ToLowerInvariant() switch
            {
                "draft" => KbStatus.Draft,
                "published" => KbStatus.Published,
                "archived" => KbStatus.Archived,
                _ => null,
            };
            if (status is null)
            {
                errors.Add("status", "must be draft, published or archived.");
            }
        }

        Guid? categoryId = null;
        if (front.GetValueOrDefault("category") is { Length: > 0 } slug)
        {
            categoryId = await db.KbCategories.Where(c => c.Slug == slug).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
            if (categoryId is null)
            {
                errors.Add("category", $"no category has the slug '{slug}'; create it first.");
            }
        }

        var title = front.GetValueOrDefault("title");
        if (string.IsNullOrWhiteSpace(title) && body.StartsWith("# ", StringComparison.Ordinal))
        {
            // No front matter: the first heading is the title.
            var end = body.IndexOf('\n');
            title = (end < 0 ? body[2..] : body[2..end]).Trim();
            body = end < 0 ? "" : body[(end + 1)..].TrimStart('\n');
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        int? position = int.TryParse(front.GetValueOrDefault("position"), out var p) ? p : null;
        var request = new ArticleRequest(language, front.GetValueOrDefault("slug"), categoryId, title, front.GetValueOrDefault("summary"), body, status, position);
        var existing = request.Slug is { Length: > 0 } && language is not null
            ? await db.Articles.AsNoTracking().Where(a => a.Language == language && a.Slug == request.Slug).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct)
            : null;
        if (existing is { } id)
        {
            var replaced = await ReplaceArticleAsync(db, actor, now, id, null, request, ct);
            return replaced.IsOk ? (replaced.Value, false) : replaced.Error!;
        }

        var created = await CreateArticleAsync(db, actor, now, request, ct);
        return created.IsOk ? (created.Value, true) : created.Error!;
    }

    /// <summary>Counts a help-center "was this helpful?" answer.</summary>
    public static Task<int> FeedbackAsync(KefuDbContext db, Guid articleId, bool helpful, CancellationToken ct) => helpful
        ? db.Articles.Where(a => a.Id == articleId && a.Status == KbStatus.Published).ExecuteUpdateAsync(s => s.SetProperty(a => a.HelpfulCount, a => a.HelpfulCount + 1), ct)
        : db.Articles.Where(a => a.Id == articleId && a.Status == KbStatus.Published).ExecuteUpdateAsync(s => s.SetProperty(a => a.NotHelpfulCount, a => a.NotHelpfulCount + 1), ct);

    // ---- Content gaps ---------------------------------------------------------------------------------------------

    /// <summary>Counts a question the knowledge base could not answer (one row per normalised wording; a resolved gap opens again).</summary>
    public static async Task RecordGapAsync(KefuDbContext db, GapSource source, string language, string text, DateTimeOffset now, CancellationToken ct)
    {
        var normalized = ContentGap.Normalize(text);
        if (normalized.Length < 2)
        {
            return;
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var bumped = await db.ContentGaps.Where(g => g.Source == source && g.Language == language && g.Normalized == normalized)
                .ExecuteUpdateAsync(s => s.SetProperty(g => g.Count, g => g.Count + 1).SetProperty(g => g.LastAt, now).SetProperty(g => g.ResolvedAt, (DateTimeOffset?)null), ct);
            if (bumped > 0)
            {
                return;
            }

            db.ContentGaps.Add(ContentGap.Create(source, language, text, now));
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                // Someone recorded the same question at the same moment: count it on their row.
                db.ChangeTracker.Clear();
            }
        }
    }

    // ---- Helpers --------------------------------------------------------------------------------------------------

    private static async Task CheckCategoryAsync(KefuDbContext db, FieldErrors errors, Guid? categoryId, CancellationToken ct)
    {
        if (categoryId is { } id && !await db.KbCategories.AnyAsync(c => c.Id == id, ct))
        {
            errors.Add("categoryId", $"no knowledge-base category has the id {id}.");
        }
    }

    private static async Task<string> FreeSlugAsync(KefuDbContext db, string language, string slug, CancellationToken ct)
    {
        var candidate = slug;
        for (var n = 2; await db.Articles.AnyAsync(a => a.Language == language && a.Slug == candidate, ct); n++)
        {
            var suffix = "-" + n;
            candidate = (slug.Length + suffix.Length > KbLimits.Key ? slug[..(KbLimits.Key - suffix.Length)] : slug) + suffix;
        }

        return candidate;
    }

    private static string NewKey(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static async Task<Result<T>> CommitAsync<T>(KefuDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, T value, string uniqueField, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Invalid.Field(uniqueField, "is already used (someone saved the same value a moment ago).");
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Conflict("Someone else changed this at the same time. Reload it and apply your change again.");
        }

        await tx.CommitAsync(ct);
        return value;
    }
}
