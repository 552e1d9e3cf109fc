using System.Text.Json;
using Kefu.Assistant.Evaluation;

namespace Kefu.Assistant.Tests;

public sealed class EvalCommandTests
{
    [Fact]
    public void Run_Intent_TableThenJsonAsLastLine()
    {
        var train = Fixtures.WriteTemp(Fixtures.LabelledCsvText(Fixtures.Intents()), "train.csv");
        var test = Fixtures.WriteTemp("text,label\r\nis it going to rain,weather\r\nwake me at 7,alarm\r\nplay a song,music\r\nwrite me a poem,oos\r\n", "test.csv");

        var (code, stdout, _) = Run("intent", "--train", train, "--test", test, "--oos-label", "oos");

        Assert.Equal(0, code);
        Assert.Contains("accuracy", stdout);
        using var json = JsonDocument.Parse(LastLine(stdout));
        foreach (var key in new[] { "accuracy", "macro_f1", "oos_precision", "oos_recall", "answered_rate", "answered_precision", "recall", "p50_ms", "p99_ms" })
        {
            Assert.True(json.RootElement.TryGetProperty(key, out _), key);
        }

        Assert.Equal(4, json.RootElement.GetProperty("n").GetInt32());
    }

    [Fact]
    public void Run_Faq_ReportsOutOfScopeAndAnswered()
    {
        var kb = Fixtures.WriteTemp(Fixtures.KbCsv, "kb.csv");
        var test = Fixtures.WriteTemp("text,label\r\n我想退货,R1\r\n怎么开发票,I1\r\n帮我写首诗,oos\r\n", "test.csv");

        var (code, stdout, _) = Run("faq", "--kb", kb, "--test", test);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(LastLine(stdout));
        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("oos_recall").ValueKind);
        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("answered_precision").ValueKind);
    }

    [Fact]
    public void Run_Handoff_ShippedRules()
    {
        var test = Fixtures.WriteTemp("text,label\r\n转人工,human_request\r\n太让人失望了,negative_emotion\r\n装空调的人工费多少钱,none\r\n", "test.csv");

        var (code, stdout, _) = Run("handoff", "--test", test);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(LastLine(stdout));
        Assert.Equal(1, json.RootElement.GetProperty("accuracy").GetDouble());
        Assert.Equal(0, json.RootElement.GetProperty("false_handoff_rate").GetDouble());
    }

    [Theory]
    [InlineData(new string[0], "name a task")]
    [InlineData(new[] { "translate" }, "unknown task")]
    [InlineData(new[] { "intent", "--test", "x.csv" }, "--train is required")]
    [InlineData(new[] { "handoff", "--test", "/no/such/file.csv" }, "no such file")]
    [InlineData(new[] { "handoff", "--test" }, "needs a value")]
    [InlineData(new[] { "faq", "--kb", "a", "--test", "b", "--verbose", "1" }, "unknown option")]
    public void Run_BadArguments_ExitCode2WithMessage(string[] args, string message)
    {
        var (code, stdout, stderr) = Run(args);

        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
        Assert.Contains("Usage:", stderr);
        Assert.Empty(stdout);
    }

    [Fact]
    public void Run_MalformedCsv_ExitCode2()
    {
        var test = Fixtures.WriteTemp("words,category\r\nhi,x\r\n", "test.csv");

        var (code, _, stderr) = Run("handoff", "--test", test);

        Assert.Equal(2, code);
        Assert.Contains("text and label", stderr);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = EvalCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string LastLine(string text) => text.TrimEnd().Split('\n')[^1].Trim();
}
