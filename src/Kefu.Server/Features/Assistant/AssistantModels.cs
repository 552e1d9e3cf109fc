using Kefu.Assistant.Data;
using Kefu.Assistant.Models;
using Kefu.Core.Bot;
using Kefu.Core.Knowledge;

namespace Kefu.Server.Features.Assistant;

/// <summary>One thing the bot can answer with: a published FAQ entry (id = its key) or article (id = article:slug).</summary>
public sealed record KbItem(string Id, KbItemKind Kind, Guid ItemId, string Question, string Answer, string? Url);

/// <summary>The published knowledge of one language: the matcher (null when there is nothing to match) and its items.</summary>
public sealed class LanguageKnowledge(string language, FaqMatcher? matcher, IReadOnlyDictionary<string, KbItem> items)
{
    /// <summary>Padding class for a knowledge base of one entry (a classifier needs two classes); never offered.</summary>
    public const string Padding = "~padding";

    public string Language { get; } = language;

    public FaqMatcher? Matcher { get; } = matcher;

    public IReadOnlyDictionary<string, KbItem> Items { get; } = items;

    /// <summary>The best candidates for a message, best first (at most <paramref name="top"/>), with the tier by the given thresholds.</summary>
    public (AnswerTier Tier, IReadOnlyList<(KbItem Item, double Confidence)> Candidates) Match(string text, AnswerThresholds thresholds, int top = 3)
    {
        if (Matcher is null || string.IsNullOrWhiteSpace(text))
        {
            return (AnswerTier.OutOfScope, []);
        }

        // Far weaker runners-up are noise, not suggestions: keep those within reach of the out-of-scope line.
        var found = Matcher.Match(text).Top
            .Where(m => Items.ContainsKey(m.Id))
            .Select(m => (Items[m.Id], m.Confidence)).Take(top)
            .Where((m, i) => i == 0 || m.Confidence >= thresholds.OutOfScopeBelow / 2).ToList();
        return (found.Count == 0 ? AnswerTier.OutOfScope : thresholds.Decide(found[0].Confidence), found);
    }
}

/// <summary>
/// Everything the assistant computes with, built together in the background and swapped in at once: per language the
/// FAQ matcher over published FAQ entries and articles, the category model and the sentiment model. Immutable;
/// requests read whichever snapshot is current and never wait for training.
/// </summary>
public sealed class AssistantSnapshot(
    long kbVersion, DateTimeOffset builtAt, TimeSpan buildTime, IReadOnlyDictionary<string, LanguageKnowledge> languages,
    CategoryModel? categories, IReadOnlyDictionary<string, Guid> categoryIds, SentimentModel sentiment)
{
    public long KbVersion { get; } = kbVersion;

    public DateTimeOffset BuiltAt { get; } = builtAt;

    public TimeSpan BuildTime { get; } = buildTime;

    public IReadOnlyDictionary<string, LanguageKnowledge> Languages { get; } = languages;

    public CategoryModel? Categories { get; } = categories;

    /// <summary>Category key → id, for the categories that exist now.</summary>
    public IReadOnlyDictionary<string, Guid> CategoryIds { get; } = categoryIds;

    public SentimentModel Sentiment { get; } = sentiment;

    public LanguageKnowledge Knowledge(string language) =>
        Languages.TryGetValue(language, out var k) ? k : new LanguageKnowledge(language, null, new Dictionary<string, KbItem>());

    /// <summary>What the assistant reads in a customer message: a category suggestion (when confident enough) and the sentiment.</summary>
    public MessageReading Read(string text, double minCategoryConfidence)
    {
        var sentiment = Sentiment.Classify(text);
        Guid? categoryId = null;
        double? confidence = null;
        string? key = null;
        if (Categories is not null && !string.IsNullOrWhiteSpace(text))
        {
            var suggestion = Categories.Suggest(text);
            if (suggestion.Confidence >= minCategoryConfidence && CategoryIds.TryGetValue(suggestion.Key, out var id))
            {
                (categoryId, confidence, key) = (id, Math.Round(suggestion.Confidence, 4), suggestion.Key);
            }
        }

        return new MessageReading(categoryId, key, confidence, Math.Round(sentiment.Polarity, 4), sentiment.Label);
    }

    internal static LanguageKnowledge BuildLanguage(string language, IReadOnlyList<KbItem> items, IReadOnlyList<(KbItem Item, IReadOnlyList<string> Similar)> phrasings, IEnumerable<LabelledText> corrections)
    {
        if (items.Count == 0)
        {
            return new LanguageKnowledge(language, null, new Dictionary<string, KbItem>());
        }

        var entries = phrasings.Select(p => new FaqEntry(p.Item.Id, "", p.Item.Question, p.Similar, p.Item.Answer)).ToList();
        if (entries.Count == 1)
        {
            entries.Add(new FaqEntry(LanguageKnowledge.Padding, "", "~", [], ""));
        }

        var known = entries.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var matcher = FaqMatcher.Build(entries, corrections: corrections.Where(c => known.Contains(c.Label)));
        return new LanguageKnowledge(language, matcher, items.ToDictionary(i => i.Id, StringComparer.Ordinal));
    }
}

/// <summary>The assistant's reading of one customer message.</summary>
public sealed record MessageReading(Guid? CategoryId, string? CategoryKey, double? CategoryConfidence, double Sentiment, string SentimentLabel);

/// <summary>Holds the current <see cref="AssistantSnapshot"/> (a singleton); the trainer swaps it, everyone else reads it.</summary>
public sealed class AssistantModels
{
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile AssistantSnapshot? current;

    /// <summary>The current models, or null before the first build finished.</summary>
    public AssistantSnapshot? Current => current;

    public void Publish(AssistantSnapshot snapshot)
    {
        current = snapshot;
        ready.TrySetResult();
    }

    /// <summary>The current models, waiting (in background work only) up to <paramref name="timeout"/> for the first build.</summary>
    public async Task<AssistantSnapshot?> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (current is { } now)
        {
            return now;
        }

        await Task.WhenAny(ready.Task, Task.Delay(timeout, ct));
        return current;
    }

}
