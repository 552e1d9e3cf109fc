using System.Diagnostics;
using Kefu.Assistant.Data;
using Kefu.Assistant.Models;
using Kefu.Core.Knowledge;
using Kefu.Core.Tickets;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Assistant;

/// <summary>
/// Builds the assistant's models in the background: at start, whenever the knowledge-base version (a counter bumped
/// by every KB write, on any node) moves, and periodically for the category model (agents' corrections). A build
/// that fails keeps the previous models; requests never wait for a build.
/// </summary>
public sealed class AssistantTrainer(
    AssistantModels models, IDbContextFactory<KefuDbContext> dbs, IOptions<AssistantOptions> options, TimeProvider clock, ILogger<AssistantTrainer> log) : BackgroundService
{
    private CategoryModel? categoryModel;
    private DateTimeOffset categoriesBuiltAt;
    private string categoryKeys = "";
    private SentimentModel? sentiment;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Polling uses real time even on a fake clock: it is not business time.
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        do
        {
            try
            {
                await BuildIfStaleAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Building the assistant's models failed; the previous models stay in use.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Rebuilds when the knowledge base moved (or the category model is due); returns whether it built.</summary>
    public async Task<bool> BuildIfStaleAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var version = await db.Counters.AsNoTracking().Where(c => c.Name == KnowledgeVersion.Counter).Select(c => c.Value).FirstOrDefaultAsync(ct);
        var now = clock.GetUtcNow();
        var categoriesDue = categoryModel is null || DateTimeOffset.UtcNow - categoriesBuiltAt >= options.Value.CategoryRetrainInterval;
        if (models.Current is { } current && current.KbVersion == version && !categoriesDue)
        {
            return false;
        }

        var watch = Stopwatch.StartNew();
        var faqs = await db.Faqs.AsNoTracking().Where(f => f.Status == KbStatus.Published)
            .Select(f => new { f.Id, f.Language, f.Key, f.Question, f.Similar, f.Answer }).ToListAsync(ct);
        var articles = await db.Articles.AsNoTracking().Where(a => a.Status == KbStatus.Published)
            .Select(a => new { a.Id, a.Language, a.Slug, a.Title, a.Summary }).ToListAsync(ct);
        var examples = await db.FaqExamples.AsNoTracking().OrderByDescending(x => x.CreatedAt).Take(options.Value.MaxLearnedExamples)
            .Select(x => new { x.Language, x.FaqKey, x.Text }).ToListAsync(ct);
        var categories = await db.Categories.AsNoTracking().Where(c => c.IsActive).Select(c => new { c.Key, c.Id }).ToListAsync(ct);
        var keys = string.Join(",", categories.Select(c => c.Key).Order(StringComparer.Ordinal));
        if (categoriesDue || keys != categoryKeys)
        {
            var corrections = await CorrectionsAsync(db, categories.ToDictionary(c => c.Id, c => c.Key), ct);
            var set = categories.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
            categoryModel = await Task.Run(() => CategoryModel.Train(corrections, set), ct);
            categoriesBuiltAt = DateTimeOffset.UtcNow;
            categoryKeys = keys;
        }

        sentiment ??= await LoadSentimentAsync(ct);
        var languages = new Dictionary<string, LanguageKnowledge>();
        foreach (var language in KbLanguages.All)
        {
            var items = new List<(KbItem Item, IReadOnlyList<string> Similar)>();
            items.AddRange(faqs.Where(f => f.Language == language)
                .Select(f => (new KbItem(f.Key, KbItemKind.Faq, f.Id, f.Question, f.Answer, null), (IReadOnlyList<string>)f.Similar)));
            items.AddRange(articles.Where(a => a.Language == language).Select(a => (
                new KbItem("article:" + a.Slug, KbItemKind.Article, a.Id, a.Title, a.Summary, $"/help/{language}/articles/{a.Slug}"),
                (IReadOnlyList<string>)(a.Summary.Length > 0 ? [a.Summary] : []))));
            var learned = examples.Where(x => x.Language == language).Select(x => new LabelledText(x.Text, x.FaqKey)).ToList();
            languages[language] = await Task.Run(() => AssistantSnapshot.BuildLanguage(language, items.Select(i => i.Item).ToList(), items, learned), ct);
        }

        models.Publish(new AssistantSnapshot(version, now, watch.Elapsed, languages, categoryModel,
            categories.ToDictionary(c => c.Key, c => c.Id, StringComparer.Ordinal), sentiment));
        log.LogInformation("Assistant models built for knowledge-base version {Version} in {Ms} ms ({Faqs} FAQ entries, {Articles} articles).",
            version, (int)watch.Elapsed.TotalMilliseconds, faqs.Count, articles.Count);
        return true;
    }

    /// <summary>The first customer message of recently categorised conversations, labelled with their category's key.</summary>
    private async Task<List<LabelledText>> CorrectionsAsync(KefuDbContext db, Dictionary<Guid, string> keys, CancellationToken ct)
    {
        var categorised = await db.Conversations.AsNoTracking().Where(c => c.CategoryId != null)
            .OrderByDescending(c => c.UpdatedAt).Take(options.Value.MaxLearnedExamples).Select(c => new { c.Id, c.CategoryId }).ToListAsync(ct);
        if (categorised.Count == 0)
        {
            return [];
        }

        var ids = categorised.Select(c => c.Id).ToList();
        var firsts = (await db.Messages.AsNoTracking().Where(m => m.Kind == MessageKind.Inbound && ids.Contains(m.ConversationId))
                .Select(m => new { m.ConversationId, m.CreatedAt, m.Text }).ToListAsync(ct))
            .GroupBy(m => m.ConversationId).ToDictionary(g => g.Key, g => g.MinBy(m => m.CreatedAt)!.Text);
        return categorised
            .Where(c => firsts.TryGetValue(c.Id, out var text) && !string.IsNullOrWhiteSpace(text) && keys.ContainsKey(c.CategoryId!.Value))
            .Select(c => new LabelledText(firsts[c.Id].Length > 500 ? firsts[c.Id][..500] : firsts[c.Id], keys[c.CategoryId!.Value])).ToList();
    }

    private async Task<SentimentModel> LoadSentimentAsync(CancellationToken ct)
    {
        if (options.Value.SentimentTrainingFile is not { Length: > 0 } path)
        {
            return SentimentModel.LexiconOnly;
        }

        try
        {
            var rows = LabelledCsv.Read(path);
            return await Task.Run(() => SentimentModel.Train(rows), ct);
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            log.LogError(e, "Assistant:SentimentTrainingFile {Path} could not be read; sentiment uses the shipped lexicon.", path);
            return SentimentModel.LexiconOnly;
        }
    }
}
