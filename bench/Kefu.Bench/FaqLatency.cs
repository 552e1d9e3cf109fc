using System.Diagnostics;
using Kefu.Assistant.Data;
using Kefu.Assistant.Models;

namespace Kefu.Bench;

/// <summary>One row of bench/bot.sh: the FAQ matcher over a knowledge base of N entries.</summary>
public sealed record FaqLatencyResult(
    int Entries, int Phrasings, string Classifier, double BuildSeconds, int Queries, double P50Ms, double P99Ms, double MaxMs,
    double SearchP50Ms, double SearchP99Ms, int InScope, int Top1SameAnswer);

/// <summary>
/// The answer bot's FAQ matching at knowledge-base sizes beyond the evaluation set: the real entries of a KB file plus
/// generated entries (each real entry again for a numbered product model, "型号A0…", with its phrasings), so the
/// generated ones are as close to the real ones as an FAQ of many similar products gets. Times a full
/// <see cref="FaqMatcher.Match"/> for every test message (several passes), and, as the floor in the same run, the
/// Lucene BM25 search alone (one part of every match).
/// </summary>
public static class FaqLatency
{
    public static FaqLatencyResult Run(string kbPath, string testPath, int entries, int passes)
    {
        var real = FaqCsv.Read(kbPath);
        var test = LabelledCsv.Read(testPath);
        var kb = new List<FaqEntry>(real);
        for (var k = 0; kb.Count < entries; k++)
        {
            var e = real[k % real.Count];
            var model = $"型号{(char)('A' + (k / real.Count) % 26)}{k / real.Count}";
            kb.Add(e with { Id = $"{e.Id}-{model}", Question = $"{model}{e.Question}", Similar = e.Similar.Select(s => $"{model} {s}").ToList() });
        }

        var clock = Stopwatch.StartNew();
        using var matcher = FaqMatcher.Build(kb);
        var build = clock.Elapsed.TotalSeconds;
        using var index = new FaqIndex(kb);

        matcher.Match(test[0].Text);
        index.Search(test[0].Text);
        var match = new List<double>();
        var search = new List<double>();
        int inScope = 0, sameAnswer = 0;
        for (var pass = 0; pass < passes; pass++)
        {
            foreach (var t in test)
            {
                var start = Stopwatch.GetTimestamp();
                var result = matcher.Match(t.Text);
                match.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                start = Stopwatch.GetTimestamp();
                index.Search(t.Text);
                search.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (pass == 0 && t.Label != "oos")
                {
                    inScope++;
                    // A generated entry carries its real entry's answer: "F001-型号A0" answers like F001.
                    sameAnswer += result.Best is { } best && best.Id.Split('-')[0] == t.Label ? 1 : 0;
                }
            }
        }

        match.Sort();
        search.Sort();
        var classifier = kb.Count > FaqMatcher.LargeKnowledgeBase ? "multi-class perceptron" : "one-versus-all perceptrons";
        return new FaqLatencyResult(kb.Count, kb.Sum(e => e.Similar.Count + 1), classifier, build, match.Count,
            Percentile(match, 0.5), Percentile(match, 0.99), match[^1], Percentile(search, 0.5), Percentile(search, 0.99), inScope, sameAnswer);
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
