using Kefu.Core.Llm;

namespace Kefu.Core.Tests.Llm;

public sealed class LlmPromptsTests
{
    [Fact]
    public void GroundedAnswer_NumbersSources_RedactsEverything()
    {
        var redaction = new PiiRedaction();
        var prompt = LlmPrompts.GroundedAnswer(redaction, "我的手机13812345678，退货怎么办？",
            [new LlmSource("退货政策", "7天无理由退货。客服热线400-820-8820"), new LlmSource("运费", "满99包邮")], "zh-CN");

        Assert.Contains("[1] 退货政策", prompt.User);
        Assert.Contains("[2] 运费", prompt.User);
        Assert.Contains(LlmPrompts.NoAnswer, prompt.System);
        Assert.Contains("Simplified Chinese", prompt.System);
        Assert.DoesNotContain("13812345678", prompt.User);
        Assert.DoesNotContain("400-820-8820", prompt.User);
        Assert.Contains("[PHONE_1]", prompt.User);
        Assert.Contains("[PHONE_2]", prompt.User);
    }

    [Fact]
    public void Summary_LongTranscript_KeepsTheLatestMessages()
    {
        var lines = Enumerable.Range(0, 40).Select(i => new TranscriptLine(i % 2 == 0 ? TranscriptRole.Customer : TranscriptRole.Agent, $"message {i} " + new string('x', 500))).ToList();
        var prompt = LlmPrompts.Summary(new PiiRedaction(), lines, "en");
        Assert.Contains("message 39", prompt.User);
        Assert.DoesNotContain("message 0 ", prompt.User);
        Assert.True(prompt.User.Length <= LlmPrompts.MaxTranscriptChars + 100);
    }

    [Fact]
    public void Draft_IncludesInstructionsSourcesAndTranscript_Redacted()
    {
        var prompt = LlmPrompts.Draft(new PiiRedaction(), [new(TranscriptRole.Customer, "send it to a@b.com"), new(TranscriptRole.Agent, "ok")],
            [new LlmSource("Shipping", "3 days")], "en", "be brief, card 4111111111111111");
        Assert.Contains("Customer: send it to [EMAIL_1]", prompt.User);
        Assert.Contains("Agent: ok", prompt.User);
        Assert.Contains("[1] Shipping", prompt.User);
        Assert.Contains("be brief, card [CARD_1]", prompt.User);
    }

    [Theory]
    [InlineData("zh-CN", "Simplified Chinese")]
    [InlineData("en", "English")]
    [InlineData("ja", "Japanese")]
    [InlineData("th", "th")]
    public void Translate_NamesTheTargetLanguage(string code, string name) =>
        Assert.Contains(name, LlmPrompts.Translate(new PiiRedaction(), "hello", code).System);
}

public sealed class GroundedAnswersTests
{
    [Theory]
    [InlineData("7天内可以无理由退货[1]。", 2, "7天内可以无理由退货[1]。", new[] { 0 })]
    // Renumbered in order of first use; markers to sources that were not given are dropped.
    [InlineData("Free over 99 [2]. Returns in 7 days [1][5].", 2, "Free over 99 [1]. Returns in 7 days [2].", new[] { 1, 0 })]
    [InlineData("See 【2】 and [1, 2].", 3, "See [1] and [2][1].", new[] { 1, 0 })]
    [InlineData("Returns in 7 days [source 1].", 1, "Returns in 7 days [1].", new[] { 0 })]
    // Placeholders of personal data are not citations.
    [InlineData("We will call [PHONE_1] [1].", 1, "We will call [PHONE_1] [1].", new[] { 0 })]
    public void Parse_CitedAnswer_KeepsValidCitations(string output, int sources, string text, int[] cited)
    {
        var answer = GroundedAnswers.Parse(output, sources);
        Assert.NotNull(answer);
        Assert.Equal(text, answer.Text);
        Assert.Equal(cited, answer.Sources);
    }

    [Theory]
    [InlineData("NO_ANSWER")]
    [InlineData("  NO_ANSWER.  ")]
    [InlineData("")]
    [InlineData(null)]
    // Without a citation the answer is not grounded.
    [InlineData("Returns are accepted within 7 days.")]
    // Only citations to sources that were not given.
    [InlineData("Returns are accepted within 7 days [4].")]
    [InlineData("抱歉，资料中没有相关信息，无法回答[1]。")]
    [InlineData("The sources do not contain this information [1].")]
    public void Parse_NoGroundedAnswer_Null(string? output) => Assert.Null(GroundedAnswers.Parse(output, 2));
}

public sealed class LlmSettingsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Default_IsOff()
    {
        var s = LlmSettings.Default(Now);
        Assert.False(s.Enabled);
        Assert.False(s.Allows(LlmFeature.Summaries));
    }

    [Theory]
    [InlineData(true, "", "m", 20, 800, "baseUrl")]
    [InlineData(true, "http://h/v1", "", 20, 800, "model")]
    [InlineData(false, "ftp://h/v1", "", 20, 800, "baseUrl")]
    [InlineData(false, "http://h/v1?x=1", "", 20, 800, "baseUrl")]
    [InlineData(false, "", "", 0, 800, "timeoutSeconds")]
    [InlineData(false, "", "", 20, 5, "maxTokens")]
    public void Apply_Invalid_FieldError(bool enabled, string url, string model, int timeout, int maxTokens, string field)
    {
        var s = LlmSettings.Default(Now);
        var result = s.Apply(LlmSettings.Defaults with { Enabled = enabled, BaseUrl = url, Model = model, TimeoutSeconds = timeout, MaxTokens = maxTokens }, Now);
        var invalid = Assert.IsType<Kefu.Core.Common.Invalid>(result.Error);
        Assert.Contains(field, invalid.Fields.Keys);
        Assert.False(s.Enabled);
    }

    [Fact]
    public void Apply_Valid_ChangesReportedKeyHidden_NullKeyKeepsIt()
    {
        var s = LlmSettings.Default(Now);
        var changes = s.Apply(LlmSettings.Defaults with { Enabled = true, BaseUrl = "http://127.0.0.1:11434/v1/", Model = "qwen2.5", ApiKeyProtected = "secret-protected", Drafts = false }, Now).Value;
        Assert.Equal("http://127.0.0.1:11434/v1", s.BaseUrl);
        Assert.True(s.Allows(LlmFeature.Summaries));
        Assert.False(s.Allows(LlmFeature.Drafts));
        var key = Assert.Single(changes, c => c.Field == "apiKey");
        Assert.Equal((null, "(set)"), (key.Before, key.After));

        s.Apply(LlmSettings.ContentOf(s) with { ApiKeyProtected = null, Model = "qwen3" }, Now);
        Assert.True(s.HasApiKey);
        s.Apply(LlmSettings.ContentOf(s) with { ApiKeyProtected = "" }, Now);
        Assert.False(s.HasApiKey);
    }
}
