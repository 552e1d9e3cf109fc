using Kefu.Core.Knowledge;
using Kefu.Data;
using Kefu.Server.Features.Knowledge;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.HelpCenter;

/// <summary>A line of a help-center list or search result.</summary>
public sealed record HelpLink(string Title, string Summary, string Url);

/// <summary>The public help center's reads: published articles and FAQ entries only.</summary>
public static class HelpCenterQueries
{
    public const int MaxQuery = 200;

    public static string ArticleUrl(string language, string slug) => $"/help/{language}/articles/{slug}";

    public static string CategoryUrl(string language, string slug) => $"/help/{language}/categories/{slug}";

    public static IQueryable<Article> Published(KefuDbContext db, string language) =>
        db.Articles.AsNoTracking().Where(a => a.Language == language && a.Status == KbStatus.Published);

    /// <summary>
    /// Articles and FAQ entries containing every word of the query (Chinese runs are searched as they are), titles
    /// first. A search that finds nothing is recorded as a content gap.
    /// </summary>
    public static async Task<List<HelpLink>> SearchAsync(KefuDbContext db, string language, string query, DateTimeOffset now, CancellationToken ct)
    {
        var terms = query.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(6).ToList();
        if (terms.Count == 0)
        {
            return [];
        }

        var articles = Published(db, language);
        var faqs = db.Faqs.AsNoTracking().Where(f => f.Language == language && f.Status == KbStatus.Published);
        foreach (var term in terms)
        {
            articles = articles.Where(a => a.Title.Contains(term) || a.Summary.Contains(term) || a.Body.Contains(term));
            faqs = faqs.Where(f => f.Question.Contains(term) || f.Answer.Contains(term));
        }

        var foundArticles = await articles.Select(a => new { a.Title, a.Summary, a.Slug }).Take(50).ToListAsync(ct);
        var foundFaqs = await faqs.Select(f => new { f.Question, f.Answer, f.Key }).Take(50).ToListAsync(ct);
        var results = foundArticles
            .OrderByDescending(a => terms.Count(t => a.Title.Contains(t, StringComparison.OrdinalIgnoreCase)))
            .Select(a => new HelpLink(a.Title, a.Summary, ArticleUrl(language, a.Slug)))
            .Concat(foundFaqs.Select(f => new HelpLink(f.Question, f.Answer.Length > 200 ? f.Answer[..200] + "…" : f.Answer, $"/help/{language}/faq#{f.Key}")))
            .ToList();
        if (results.Count == 0)
        {
            await KnowledgeCommands.RecordGapAsync(db, GapSource.Search, language, query, now, ct);
        }

        return results;
    }

    /// <summary>Up to five other published articles: the same category first, then those sharing title words.</summary>
    public static async Task<List<HelpLink>> RelatedAsync(KefuDbContext db, Article article, CancellationToken ct)
    {
        var sameCategory = article.CategoryId is { } c
            ? await Published(db, article.Language).Where(a => a.CategoryId == c && a.Id != article.Id).OrderBy(a => a.Position).ThenBy(a => a.Title)
                .Select(a => new HelpLink(a.Title, a.Summary, "/help/" + a.Language + "/articles/" + a.Slug)).Take(5).ToListAsync(ct)
            : [];
        if (sameCategory.Count >= 5)
        {
            return sameCategory;
        }

        var words = Kefu.Assistant.Models.FaqMatcher.Bigrams(Kefu.Core.Bot.TextNormalizer.Normalize(article.Title));
        var others = await Published(db, article.Language).Where(a => a.Id != article.Id && a.CategoryId != article.CategoryId)
            .Select(a => new { a.Title, a.Summary, a.Slug }).Take(500).ToListAsync(ct);
        var byWords = others
            .Select(a => (a, score: Kefu.Assistant.Models.FaqMatcher.Bigrams(Kefu.Core.Bot.TextNormalizer.Normalize(a.Title)).Count(words.Contains)))
            .Where(x => x.score > 0).OrderByDescending(x => x.score).Take(5 - sameCategory.Count)
            .Select(x => new HelpLink(x.a.Title, x.a.Summary, ArticleUrl(article.Language, x.a.Slug)));
        return [.. sameCategory, .. byWords];
    }
}
