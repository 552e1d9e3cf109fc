using Kefu.Assistant.Data;
using Kefu.Core.Bot;

namespace Kefu.Assistant.Models;

/// <summary>One FAQ candidate for a message, with the evidence behind its confidence.</summary>
public sealed record FaqMatch(string Id, double Confidence, double Classifier, double Retrieval, double Overlap);

/// <summary>What the bot does with a message: the tier and the best candidates (up to 3).</summary>
public sealed record FaqResult(AnswerTier Tier, IReadOnlyList<FaqMatch> Top)
{
    public FaqMatch? Best => Top.Count > 0 ? Top[0] : null;
}

/// <summary>
/// FAQ answering: a learned classifier (ML.NET, trained on every standard and similar question) and BM25 retrieval
/// (Lucene.NET) vote for the candidates; the confidence of the best one, together with how much of a known
/// phrasing the message actually contains, decides the tier. A message far from every phrasing is out of scope.
/// </summary>
public sealed class FaqMatcher : IDisposable
{
    /// <summary>Tuned on faq_zh_ecommerce dev (see docs/bot-evaluation.md).</summary>
    public static readonly AnswerThresholds DefaultThresholds = new(AnswerAtOrAbove: 0.5, OutOfScopeBelow: 0.21);

    private const double ClassifierWeight = 0.6;
    private const double RetrievalWeight = 0.25;
    private const double OverlapWeight = 0.15;

    private readonly TextClassifier classifier;
    private readonly FaqIndex index;
    private readonly Dictionary<string, HashSet<string>[]> bigrams;
    private readonly Dictionary<string, int> labelIndex;

    private FaqMatcher(TextClassifier classifier, FaqIndex index, IReadOnlyList<FaqEntry> entries, AnswerThresholds thresholds)
    {
        this.classifier = classifier;
        this.index = index;
        Thresholds = thresholds;
        Entries = entries.ToDictionary(e => e.Id, StringComparer.Ordinal);
        bigrams = entries.ToDictionary(e => e.Id, e => e.Phrasings.Select(p => Bigrams(TextNormalizer.Normalize(p))).ToArray(), StringComparer.Ordinal);
        labelIndex = classifier.Labels.Select((label, i) => (label, i)).ToDictionary(x => x.label, x => x.i, StringComparer.Ordinal);
    }

    /// <summary>Above this many entries the classifier is <see cref="LargeClassifier"/>.</summary>
    public const int LargeKnowledgeBase = 1000;

    /// <summary>
    /// The classifier up to <see cref="LargeKnowledgeBase"/> entries: one-versus-all averaged perceptrons over ML.NET's
    /// word and character n-grams, the most accurate on faq_zh_ecommerce dev. Its training grows with entries ×
    /// phrasings and its answer time with the entries (about 28 s and 7 ms at 1,000 entries).
    /// </summary>
    public static TextClassifierOptions SmallClassifier { get; } = new() { CharNgrams = 3 };

    /// <summary>
    /// The classifier for larger knowledge bases: one multi-class perceptron over the same features, whose training
    /// and answer time grow with the features entries share, not with their number (docs/benchmarks.md: 10,000
    /// entries). On the 80 entries of faq_zh_ecommerce it ranks a little worse and answers less often directly.
    /// </summary>
    public static TextClassifierOptions LargeClassifier { get; } = new() { CharNgrams = 3, Trainer = ClassifierTrainer.SparseMulticlassPerceptron };

    public AnswerThresholds Thresholds { get; }

    public IReadOnlyDictionary<string, FaqEntry> Entries { get; }

    public static FaqMatcher Build(IReadOnlyList<FaqEntry> entries, AnswerThresholds? thresholds = null, IEnumerable<LabelledText>? corrections = null, TextClassifierOptions? options = null)
    {
        if (entries.Count == 0)
        {
            throw new ArgumentException("the knowledge base is empty", nameof(entries));
        }

        var examples = entries.SelectMany(e => e.Phrasings.Select(p => new LabelledText(p, e.Id))).Concat(corrections ?? []).ToList();
        var classifier = TextClassifier.Train(examples, options ?? (entries.Count > LargeKnowledgeBase ? LargeClassifier : SmallClassifier));
        return new FaqMatcher(classifier, new FaqIndex(entries), entries, thresholds ?? DefaultThresholds);
    }

    public FaqResult Match(string text)
    {
        var top = Candidates(text).OrderByDescending(c => c.Confidence).Take(3).ToList();
        if (top.Count == 0)
        {
            return new FaqResult(AnswerTier.OutOfScope, []);
        }

        return new FaqResult(Thresholds.Decide(top[0].Confidence), top);
    }

    internal IReadOnlyCollection<FaqMatch> Candidates(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        var p = classifier.Probabilities(normalized);
        var hits = index.Search(normalized);
        var topRetrieval = hits.Count > 0 ? hits[0].Score : 0;
        var retrieval = hits.ToDictionary(h => h.Id, h => topRetrieval > 0 ? h.Score / topRetrieval : 0, StringComparer.Ordinal);
        var query = Bigrams(normalized);
        var candidates = new Dictionary<string, FaqMatch>(StringComparer.Ordinal);
        var byClassifier = Top(p, 10).Select(i => classifier.Labels[i]);
        foreach (var id in byClassifier.Concat(hits.Take(10).Select(h => h.Id)))
        {
            if (candidates.ContainsKey(id) || !bigrams.TryGetValue(id, out var phrasings))
            {
                continue;
            }

            // Above chance only: with few entries even an unrelated message gets 1/K from the classifier.
            var chance = 1.0 / p.Length;
            var clf = Math.Max(0, (p[labelIndex[id]] - chance) / (1 - chance));
            var ret = retrieval.GetValueOrDefault(id);
            var overlap = phrasings.Max(ph => Overlap(query, ph));
            var confidence = ClassifierWeight * clf + RetrievalWeight * ret * overlap + OverlapWeight * overlap;
            candidates[id] = new FaqMatch(id, confidence, clf, ret, overlap);
        }

        return candidates.Values;
    }

    public void Dispose() => index.Dispose();

    // The indices of the k largest values, largest first, without sorting all of them.
    private static List<int> Top(float[] values, int k)
    {
        var top = new List<int>(k + 1);
        for (var i = 0; i < values.Length; i++)
        {
            if (top.Count == k && values[i] <= values[top[^1]])
            {
                continue;
            }

            var at = top.Count;
            while (at > 0 && values[top[at - 1]] < values[i])
            {
                at--;
            }

            top.Insert(at, i);
            if (top.Count > k)
            {
                top.RemoveAt(k);
            }
        }

        return top;
    }

    // Share of the phrasing's character bigrams found in the message (a long message with a lead-in still covers
    // the phrasing), tempered by the share of the message the phrasing explains.
    private static double Overlap(HashSet<string> query, HashSet<string> phrasing)
    {
        if (query.Count == 0 || phrasing.Count == 0)
        {
            return 0;
        }

        var common = query.Count(phrasing.Contains);
        var ofPhrasing = common / (double)phrasing.Count;
        var ofQuery = common / (double)query.Count;
        return 0.7 * ofPhrasing + 0.3 * ofQuery;
    }

    public static HashSet<string> Bigrams(string normalized)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        var tokens = TextNormalizer.Tokenize(normalized).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < tokens.Length; i++)
        {
            var cjk = tokens[i].Length == 1 && TextNormalizer.IsCjk(tokens[i][0]);
            if (!cjk)
            {
                set.Add(tokens[i]);
            }
            else if (i + 1 < tokens.Length && tokens[i + 1].Length == 1 && TextNormalizer.IsCjk(tokens[i + 1][0]))
            {
                set.Add(tokens[i] + tokens[i + 1]);
            }
            else if (i == 0 || !(tokens[i - 1].Length == 1 && TextNormalizer.IsCjk(tokens[i - 1][0])))
            {
                set.Add(tokens[i]);
            }
        }

        return set;
    }
}
