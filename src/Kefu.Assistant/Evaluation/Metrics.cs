using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kefu.Assistant.Evaluation;

/// <summary>One scored test message: the gold label, the prediction, whether the bot answered on its own, and how long it took.</summary>
public sealed record Prediction(string Gold, string Predicted, bool Answered, double Milliseconds);

/// <summary>The numbers of one evaluation run, computed from its predictions.</summary>
public sealed class Metrics
{
    private Metrics()
    {
    }

    public int Count { get; private init; }

    public double Accuracy { get; private init; }

    public double MacroF1 { get; private init; }

    /// <summary>Accuracy over messages whose gold label is not the out-of-scope label (null without one).</summary>
    public double? InScopeAccuracy { get; private init; }

    public double? OosPrecision { get; private init; }

    public double? OosRecall { get; private init; }

    public double? AnsweredRate { get; private init; }

    public double? AnsweredPrecision { get; private init; }

    public IReadOnlyDictionary<string, LabelStats> PerLabel { get; private init; } = new Dictionary<string, LabelStats>();

    public double P50Ms { get; private init; }

    public double P99Ms { get; private init; }

    /// <summary>Most frequent (gold → predicted) mistakes.</summary>
    public IReadOnlyList<(string Gold, string Predicted, int Count)> TopConfusions { get; private init; } = [];

    /// <param name="oosLabel">The out-of-scope label, or null when the task has none.</param>
    /// <param name="answeredApplies">Whether "answered" means something for the task (false: the answered figures are null).</param>
    public static Metrics Compute(IReadOnlyList<Prediction> predictions, string? oosLabel, bool answeredApplies = true)
    {
        var n = predictions.Count;
        var labels = predictions.Select(p => p.Gold).Concat(predictions.Select(p => p.Predicted)).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToList();
        var perLabel = new Dictionary<string, LabelStats>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            var tp = predictions.Count(p => p.Gold == label && p.Predicted == label);
            var support = predictions.Count(p => p.Gold == label);
            var predicted = predictions.Count(p => p.Predicted == label);
            perLabel[label] = new LabelStats(support, predicted, tp);
        }

        var inScope = oosLabel is null ? [] : predictions.Where(p => p.Gold != oosLabel).ToList();
        var answered = predictions.Where(p => p.Answered).ToList();
        var latencies = predictions.Select(p => p.Milliseconds).Order().ToArray();
        return new Metrics
        {
            Count = n,
            Accuracy = Ratio(predictions.Count(p => p.Gold == p.Predicted), n),
            MacroF1 = perLabel.Count == 0 ? 0 : perLabel.Values.Average(s => s.F1),
            InScopeAccuracy = oosLabel is null || inScope.Count == 0 ? null : Ratio(inScope.Count(p => p.Gold == p.Predicted), inScope.Count),
            OosPrecision = oosLabel is null ? null : perLabel.GetValueOrDefault(oosLabel)?.Precision ?? 0,
            OosRecall = oosLabel is null ? null : perLabel.GetValueOrDefault(oosLabel)?.Recall ?? 0,
            AnsweredRate = answeredApplies ? Ratio(answered.Count, n) : null,
            AnsweredPrecision = answeredApplies ? Ratio(answered.Count(p => p.Gold == p.Predicted), answered.Count) : null,
            PerLabel = perLabel,
            P50Ms = Percentile(latencies, 0.50),
            P99Ms = Percentile(latencies, 0.99),
            TopConfusions = predictions.Where(p => p.Gold != p.Predicted).GroupBy(p => (p.Gold, p.Predicted))
                .Select(g => (g.Key.Gold, g.Key.Predicted, g.Count())).OrderByDescending(x => x.Item3).ThenBy(x => x.Gold, StringComparer.Ordinal)
                .Take(10).ToList(),
        };
    }

    /// <summary>The readable report: headline figures, then the per-label table (worst recall first) and the top confusions.</summary>
    public string Table(int maxLabelRows = 30)
    {
        var sb = new StringBuilder();
        void Row(string name, string value) => sb.Append("  ").Append(name.PadRight(22)).Append(value).Append('\n');
        Row("messages", Count.ToString(CultureInfo.InvariantCulture));
        Row("accuracy", Pct(Accuracy));
        Row("macro-F1", Fmt(MacroF1));
        if (InScopeAccuracy is { } isa)
        {
            Row("in-scope accuracy", Pct(isa));
        }

        if (OosRecall is { } r && OosPrecision is { } p)
        {
            Row("out-of-scope recall", Pct(r));
            Row("out-of-scope precision", Pct(p));
        }

        if (AnsweredRate is { } ar && AnsweredPrecision is { } ap)
        {
            Row("answered rate", Pct(ar));
            Row("answered precision", Pct(ap));
        }

        Row("latency p50 / p99", $"{P50Ms.ToString("0.000", CultureInfo.InvariantCulture)} ms / {P99Ms.ToString("0.000", CultureInfo.InvariantCulture)} ms");
        sb.Append('\n');
        var width = Math.Max(5, Math.Min(40, PerLabel.Keys.Select(k => k.Length).DefaultIfEmpty(5).Max()));
        sb.Append("  ").Append("label".PadRight(width)).Append("  support  precision  recall     F1\n");
        var rows = PerLabel.Where(kv => kv.Value.Support > 0).OrderBy(kv => kv.Value.Recall).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        foreach (var (label, s) in rows.Take(maxLabelRows))
        {
            sb.Append("  ").Append(Trim(label, width).PadRight(width)).Append(s.Support.ToString(CultureInfo.InvariantCulture).PadLeft(9))
                .Append(Pct(s.Precision).PadLeft(11)).Append(Pct(s.Recall).PadLeft(8)).Append(Fmt(s.F1).PadLeft(7)).Append('\n');
        }

        if (rows.Count > maxLabelRows)
        {
            sb.Append("  … ").Append(rows.Count - maxLabelRows).Append(" more labels (sorted by recall, worst first)\n");
        }

        if (TopConfusions.Count > 0)
        {
            sb.Append("\n  most frequent confusions (gold → predicted):\n");
            foreach (var (gold, predicted, count) in TopConfusions)
            {
                sb.Append("    ").Append(count.ToString(CultureInfo.InvariantCulture).PadLeft(4)).Append("  ").Append(gold).Append(" → ").Append(predicted).Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>The machine-readable summary: the fields the issue asks for, plus <paramref name="extra"/>.</summary>
    public string Json(IEnumerable<KeyValuePair<string, JsonNode?>>? extra = null)
    {
        var recall = new JsonObject();
        foreach (var (label, s) in PerLabel.Where(kv => kv.Value.Support > 0).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            recall[label] = Round(s.Recall);
        }

        var o = new JsonObject
        {
            ["accuracy"] = Round(Accuracy),
            ["macro_f1"] = Round(MacroF1),
            ["in_scope_accuracy"] = Round(InScopeAccuracy),
            ["oos_precision"] = Round(OosPrecision),
            ["oos_recall"] = Round(OosRecall),
            ["answered_rate"] = Round(AnsweredRate),
            ["answered_precision"] = Round(AnsweredPrecision),
            ["recall"] = recall,
            ["p50_ms"] = Math.Round(P50Ms, 3),
            ["p99_ms"] = Math.Round(P99Ms, 3),
            ["n"] = Count,
        };
        foreach (var (k, v) in extra ?? [])
        {
            o[k] = v;
        }

        return o.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 4) : null;

    private static double Ratio(int a, int b) => b == 0 ? 0 : a / (double)b;

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Pct(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Fmt(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Trim(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";
}

public sealed record LabelStats(int Support, int Predicted, int Correct)
{
    public double Precision => Predicted == 0 ? 0 : Correct / (double)Predicted;

    public double Recall => Support == 0 ? 0 : Correct / (double)Support;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}
