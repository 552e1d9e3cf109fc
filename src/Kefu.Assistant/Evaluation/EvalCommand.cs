using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Kefu.Assistant.Data;

namespace Kefu.Assistant.Evaluation;

/// <summary>
/// The <c>eval</c> verb: trains on the given data, scores every test message, prints a readable table and, as the
/// last line, one JSON object. Exit codes: 0 done, 2 bad arguments or unreadable input.
/// </summary>
public static class EvalCommand
{
    public const string Usage = """
        Usage:
          eval intent --train TRAIN.csv --test TEST.csv [--oos-label oos]
          eval faq --kb KB.csv --test TEST.csv
          eval sentiment --train TRAIN.csv --test TEST.csv
          eval handoff --test TEST.csv
        CSV files are UTF-8 with the header text,label (the knowledge base: id,category,question,similar,answer).
        """;

    private static readonly Dictionary<string, (string[] Required, string[] Optional)> Tasks = new()
    {
        ["intent"] = (["--train", "--test"], ["--oos-label"]),
        ["faq"] = (["--kb", "--test"], []),
        ["sentiment"] = (["--train", "--test"], []),
        ["handoff"] = (["--test"], []),
    };

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count == 0 || !Tasks.TryGetValue(args[0], out var spec))
        {
            return Fail(error, args.Count == 0 ? "eval: name a task (intent, faq, sentiment or handoff)." : $"eval: unknown task '{args[0]}'.");
        }

        var task = args[0];
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            string? value = null;
            if (name.IndexOf('=') is var eq and > 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            if (!spec.Required.Contains(name) && !spec.Optional.Contains(name))
            {
                return Fail(error, $"eval {task}: unknown option '{name}'.");
            }

            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return Fail(error, $"eval {task}: {name} needs a value.");
                }

                value = args[++i];
            }

            if (!options.TryAdd(name, value))
            {
                return Fail(error, $"eval {task}: {name} is given twice.");
            }
        }

        if (spec.Required.FirstOrDefault(r => !options.ContainsKey(r)) is { } missing)
        {
            return Fail(error, $"eval {task}: {missing} is required.");
        }

        foreach (var (name, path) in options.Where(o => o.Key != "--oos-label"))
        {
            if (!File.Exists(path))
            {
                return Fail(error, $"eval {task}: {name} {path}: no such file.");
            }
        }

        var clock = Stopwatch.StartNew();
        try
        {
            var run = task switch
            {
                "intent" => Evaluations.Intent(options["--train"], options["--test"], options.GetValueOrDefault("--oos-label") ?? "oos"),
                "faq" => Evaluations.Faq(options["--kb"], options["--test"]),
                "sentiment" => Evaluations.Sentiment(options["--train"], options["--test"]),
                _ => Evaluations.Handoff(options["--test"]),
            };
            output.WriteLine($"Kefu eval {task}: {string.Join(", ", options.Select(o => $"{o.Key[2..]} {o.Value}"))}");
            output.WriteLine($"  {run.Description}");
            output.WriteLine();
            output.Write(run.Metrics.Table());
            output.WriteLine();
            var total = clock.Elapsed.TotalSeconds;
            output.WriteLine($"  training {run.TrainSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s, total {total.ToString("0.0", CultureInfo.InvariantCulture)} s");
            var extra = new Dictionary<string, JsonNode?>
            {
                ["task"] = task,
                ["train_seconds"] = Math.Round(run.TrainSeconds, 2),
                ["total_seconds"] = Math.Round(total, 2),
            };
            foreach (var (k, v) in run.Extra)
            {
                extra[k] = v;
            }

            output.WriteLine(run.Metrics.Json(extra));
            return 0;
        }
        catch (FormatException e)
        {
            return Fail(error, $"eval {task}: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            return Fail(error, $"eval {task}: {e.Message}");
        }
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine(message);
        error.WriteLine(Usage);
        return 2;
    }
}

/// <summary>The outcome of one evaluation, before printing.</summary>
public sealed record EvalRun(Metrics Metrics, double TrainSeconds, string Description, IReadOnlyDictionary<string, JsonNode?> Extra);
