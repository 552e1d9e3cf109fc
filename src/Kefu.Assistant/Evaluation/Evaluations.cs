using System.Diagnostics;
using System.Text.Json.Nodes;
using Kefu.Assistant.Data;
using Kefu.Assistant.Models;
using Kefu.Core.Bot;

namespace Kefu.Assistant.Evaluation;

/// <summary>The four evaluations behind <see cref="EvalCommand"/>.</summary>
public static class Evaluations
{
    public static EvalRun Intent(string trainPath, string testPath, string oosLabel)
    {
        var train = ReadNonEmpty(trainPath);
        var test = ReadNonEmpty(testPath);
        var clock = Stopwatch.StartNew();
        var model = IntentModel.Train(train, oosLabel);
        var trainSeconds = clock.Elapsed.TotalSeconds;
        var predictions = Score(test, text =>
        {
            var r = model.Classify(text);
            return (r.Tier == AnswerTier.OutOfScope ? oosLabel : r.Best.Label, r.Tier == AnswerTier.Answer);
        });
        var hasOos = model.KnowsOutOfScope || test.Any(t => t.Label == oosLabel);
        var metrics = Metrics.Compute(predictions, hasOos ? oosLabel : null);
        var description = $"{train.Count} training examples, {model.Labels().Count} labels; " +
            (model.KnowsOutOfScope
                ? $"out-of-scope label '{oosLabel}' learned, answer at ≥ {model.Thresholds.AnswerAtOrAbove}, out of scope below {model.Thresholds.OutOfScopeBelow}"
                : $"no '{oosLabel}' examples in training: every message gets its best intent (answered when confidence ≥ {model.Thresholds.AnswerAtOrAbove})");
        return new EvalRun(metrics, trainSeconds, description, new Dictionary<string, JsonNode?>());
    }

    public static EvalRun Faq(string kbPath, string testPath)
    {
        var kb = FaqCsv.Read(kbPath);
        if (kb.Count == 0)
        {
            throw new InvalidDataException($"{kbPath}: the knowledge base has no entries");
        }

        var test = ReadNonEmpty(testPath);
        var clock = Stopwatch.StartNew();
        using var matcher = FaqMatcher.Build(kb);
        var trainSeconds = clock.Elapsed.TotalSeconds;
        int inScope = 0, top1 = 0, top3 = 0;
        var predictions = Score(test, text =>
        {
            var r = matcher.Match(text);
            return (r.Tier == AnswerTier.OutOfScope || r.Best is null ? "oos" : r.Best.Id, r.Tier == AnswerTier.Answer);
        });

        // Ranking quality regardless of the thresholds: is the right entry first / among the 3 suggestions?
        foreach (var t in test.Where(t => t.Label != "oos"))
        {
            var top = matcher.Match(t.Text).Top;
            inScope++;
            top1 += top.Count > 0 && top[0].Id == t.Label ? 1 : 0;
            top3 += top.Any(c => c.Id == t.Label) ? 1 : 0;
        }

        var metrics = Metrics.Compute(predictions, "oos");
        var extra = new Dictionary<string, JsonNode?>
        {
            ["in_scope_top1"] = inScope == 0 ? null : Math.Round(top1 / (double)inScope, 4),
            ["in_scope_top3"] = inScope == 0 ? null : Math.Round(top3 / (double)inScope, 4),
            ["kb_entries"] = kb.Count,
        };
        var description = $"{kb.Count} FAQ entries, {kb.Sum(e => e.Similar.Count + 1)} phrasings; answer at confidence ≥ {matcher.Thresholds.AnswerAtOrAbove}, " +
            $"suggest the top 3 in between, out of scope below {matcher.Thresholds.OutOfScopeBelow}. Predicted label = the best entry unless out of scope; " +
            $"answered = answered directly. In-scope top-1 (ignoring thresholds) {Pct(extra["in_scope_top1"])}, top-3 {Pct(extra["in_scope_top3"])}.";
        return new EvalRun(metrics, trainSeconds, description, extra);
    }

    public static EvalRun Sentiment(string trainPath, string testPath)
    {
        var train = ReadNonEmpty(trainPath);
        var test = ReadNonEmpty(testPath);
        var clock = Stopwatch.StartNew();
        var model = SentimentModel.Train(train);
        var trainSeconds = clock.Elapsed.TotalSeconds;
        var predictions = Score(test, text => (model.Classify(text).Label, true));
        var metrics = Metrics.Compute(predictions, oosLabel: null);
        return new EvalRun(metrics, trainSeconds, $"{train.Count} training examples, labels {string.Join("/", model.Labels)}; every message is answered.", new Dictionary<string, JsonNode?>());
    }

    public static EvalRun Handoff(string testPath)
    {
        var test = ReadNonEmpty(testPath);
        var predictions = Score(test, text =>
        {
            var label = HandoffDetector.Classify(text);
            return (label, label != HandoffDetector.None);
        });
        var metrics = Metrics.Compute(predictions, oosLabel: null);
        var none = predictions.Where(p => p.Gold == HandoffDetector.None).ToList();
        var extra = new Dictionary<string, JsonNode?>
        {
            ["false_handoff_rate"] = none.Count == 0 ? null : Math.Round(none.Count(p => p.Predicted != HandoffDetector.None) / (double)none.Count, 4),
        };
        return new EvalRun(metrics, 0, "shipped default rules (Kefu.Core/Bot: HumanRequest, EmotionLexicon); nothing is trained. " +
            $"Answered = handed off (predicted {HandoffDetector.HumanRequest} or {HandoffDetector.NegativeEmotion}); false handoffs on none: {Pct(extra["false_handoff_rate"])}.", extra);
    }

    private static string Pct(JsonNode? v) => v is null ? "n/a" : (v.GetValue<double>() * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";

    internal static IReadOnlyList<Prediction> Score(IReadOnlyList<LabelledText> test, Func<string, (string Predicted, bool Answered)> predict)
    {
        // Warm up outside the measurement: the first prediction pays for JIT and engine creation.
        predict(test[0].Text);
        var results = new List<Prediction>(test.Count);
        foreach (var t in test)
        {
            var start = Stopwatch.GetTimestamp();
            var (predicted, answered) = predict(t.Text);
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            results.Add(new Prediction(t.Label, predicted, answered, ms));
        }

        return results;
    }

    private static IReadOnlyList<LabelledText> ReadNonEmpty(string path)
    {
        var rows = LabelledCsv.Read(path);
        return rows.Count == 0 ? throw new InvalidDataException($"{path}: no rows after the header") : rows;
    }
}
