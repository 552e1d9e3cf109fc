using System.Text;
using System.Text.RegularExpressions;

namespace Kefu.Core.Llm;

/// <summary>What is sent to the model: instructions (system) and the material (user).</summary>
public sealed record LlmPrompt(string System, string User);

/// <summary>A knowledge-base item given to the model as a numbered source ([1], [2] … by position).</summary>
public sealed record LlmSource(string Title, string Content);

public enum TranscriptRole
{
    Customer,
    Agent,
    Bot,
    Note,
}

/// <summary>One message of a conversation as the model reads it.</summary>
public sealed record TranscriptLine(TranscriptRole Role, string Text);

/// <summary>
/// Builds the prompt of each language-model task. Every piece of conversation or knowledge-base text goes through the
/// request's <see cref="PiiRedaction"/> here, so no prompt can be built with a phone number, e-mail address, ID or
/// card number in it. Long material is cut: sources to <see cref="MaxSourceChars"/> each, transcripts to their latest
/// <see cref="MaxTranscriptChars"/> characters.
/// </summary>
public static class LlmPrompts
{
    /// <summary>What the model answers when the sources do not hold the answer.</summary>
    public const string NoAnswer = "NO_ANSWER";
    public const int MaxSourceChars = 2_000;
    public const int MaxTranscriptChars = 12_000;
    public const int MaxTextChars = 8_000;

    public static string LanguageName(string? code) => (code ?? "").ToLowerInvariant() switch
    {
        "zh" or "zh-cn" or "zh-hans" or "zh-sg" => "Simplified Chinese (简体中文)",
        "zh-tw" or "zh-hk" or "zh-hant" => "Traditional Chinese (繁體中文)",
        "en" or "en-us" or "en-gb" or "" => "English",
        "ja" or "ja-jp" => "Japanese",
        "ko" or "ko-kr" => "Korean",
        "fr" or "fr-fr" => "French",
        "de" or "de-de" => "German",
        "es" or "es-es" => "Spanish",
        var other => other,
    };

    public static LlmPrompt GroundedAnswer(PiiRedaction redaction, string question, IReadOnlyList<LlmSource> sources, string language)
    {
        var system = $"""
            You are a customer-service assistant. Answer the customer's question using ONLY the numbered sources below.
            Rules:
            - Use only facts stated in the sources; never add facts, prices, dates or promises that are not in them.
            - Cite every source you use with its number in square brackets, e.g. [1] or [2].
            - If the sources do not contain the answer, reply with exactly {NoAnswer} and nothing else.
            - Answer in {LanguageName(language)}, briefly (at most 5 sentences), in plain text without Markdown.
            - Text in square brackets such as [PHONE_1] or [EMAIL_1] stands for hidden personal data; keep it as it is.
            """;
        var user = new StringBuilder();
        user.AppendLine("Sources:");
        for (var i = 0; i < sources.Count; i++)
        {
            user.Append('[').Append(i + 1).Append("] ").AppendLine(Cut(redaction.Redact(sources[i].Title), 300));
            user.AppendLine(Cut(redaction.Redact(sources[i].Content), MaxSourceChars));
            user.AppendLine();
        }

        user.AppendLine("Customer's question:");
        user.Append(Cut(redaction.Redact(question), MaxTextChars));
        return new LlmPrompt(system, user.ToString());
    }

    public static LlmPrompt Summary(PiiRedaction redaction, IReadOnlyList<TranscriptLine> transcript, string language)
    {
        var system = $"""
            You summarise customer-service conversations for the agent who takes over.
            Write in {LanguageName(language)}, in plain text, at most 6 short lines: what the customer wants, what has been
            tried or answered, what is still open, and the customer's mood. Do not invent facts.
            Text in square brackets such as [PHONE_1] or [EMAIL_1] stands for hidden personal data; keep it as it is.
            """;
        return new LlmPrompt(system, "Conversation:\n" + Transcript(redaction, transcript));
    }

    public static LlmPrompt Draft(PiiRedaction redaction, IReadOnlyList<TranscriptLine> transcript, IReadOnlyList<LlmSource> sources, string customerLanguage, string? instructions)
    {
        var system = $"""
            You draft the agent's next reply to the customer in a customer-service conversation. The agent will review and edit it.
            Write in {LanguageName(customerLanguage)}, polite and concise, in plain text without Markdown, as the agent (first person).
            Use facts only from the conversation and the knowledge-base sources; when something is unknown, say the agent will check.
            Do not make promises about refunds, compensation or dates that are not in the sources.
            Text in square brackets such as [PHONE_1] or [EMAIL_1] stands for hidden personal data; keep it as it is.
            Reply with the draft only.
            """;
        var user = new StringBuilder();
        if (sources.Count > 0)
        {
            user.AppendLine("Knowledge-base sources:");
            for (var i = 0; i < sources.Count; i++)
            {
                user.Append('[').Append(i + 1).Append("] ").AppendLine(Cut(redaction.Redact(sources[i].Title), 300));
                user.AppendLine(Cut(redaction.Redact(sources[i].Content), MaxSourceChars));
            }

            user.AppendLine();
        }

        user.AppendLine("Conversation:");
        user.AppendLine(Transcript(redaction, transcript));
        if (!string.IsNullOrWhiteSpace(instructions))
        {
            user.AppendLine().AppendLine("The agent's instructions for this reply:").AppendLine(Cut(redaction.Redact(instructions), 1_000));
        }

        return new LlmPrompt(system, user.ToString().TrimEnd());
    }

    public static LlmPrompt Translate(PiiRedaction redaction, string text, string targetLanguage)
    {
        var system = $"""
            You are a translator for a customer-service team. Translate the user's text into {LanguageName(targetLanguage)}.
            Keep the meaning, tone, line breaks, numbers and anything in square brackets (such as [PHONE_1]) unchanged.
            Reply with the translation only, without notes. If the text is already in that language, return it unchanged.
            """;
        return new LlmPrompt(system, Cut(redaction.Redact(text), MaxTextChars));
    }

    public static LlmPrompt Ping() => new("Reply with the single word OK.", "ping");

    private static string Transcript(PiiRedaction redaction, IReadOnlyList<TranscriptLine> lines)
    {
        // The latest messages matter most: keep the end when the conversation is long.
        var kept = new List<string>();
        var total = 0;
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            var line = $"{RoleName(lines[i].Role)}: {Cut(redaction.Redact(lines[i].Text), 2_000)}";
            if (total + line.Length > MaxTranscriptChars && kept.Count > 0)
            {
                break;
            }

            kept.Add(line);
            total += line.Length + 1;
        }

        kept.Reverse();
        return string.Join("\n", kept);
    }

    private static string RoleName(TranscriptRole role) => role switch
    {
        TranscriptRole.Customer => "Customer",
        TranscriptRole.Agent => "Agent",
        TranscriptRole.Bot => "Bot",
        TranscriptRole.Note => "Internal note",
    };

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}

/// <summary>An answer the model based on the sources: its text with citations renumbered 1..n, and which sources (0-based) they are.</summary>
public sealed record GroundedAnswer(string Text, IReadOnlyList<int> Sources);

/// <summary>
/// Reads the model's reply to <see cref="LlmPrompts.GroundedAnswer"/>. Citations ([1], [1, 2], 【2】) to sources that
/// were given are kept and renumbered in order of first use; citations to anything else are dropped. A reply without a
/// single valid citation, or one that says it cannot answer, is no answer: the bot falls back to its classic reply.
/// </summary>
public static partial class GroundedAnswers
{
    private static readonly string[] Refusals =
    [
        LlmPrompts.NoAnswer, "cannot answer", "can't answer", "unable to answer", "do not contain", "don't contain", "does not contain",
        "not mentioned in the sources", "no information", "i don't know", "i do not know",
        "无法回答", "不能回答", "无法根据", "没有相关", "未提及", "没有提到", "没有提供", "不包含", "无相关", "不知道",
    ];

    public static GroundedAnswer? Parse(string? output, int sourceCount)
    {
        var text = output?.Trim() ?? "";
        if (text.Length == 0 || Refusals.Any(r => text.Contains(r, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var order = new List<int>();
        var renumbered = Citation().Replace(text, m =>
        {
            var numbers = Numbers().Matches(m.Groups[1].Value)
                .Select(n => int.TryParse(n.Value, out var v) ? v : 0)
                .Where(v => v >= 1 && v <= sourceCount)
                .Distinct()
                .ToList();
            foreach (var n in numbers.Where(n => !order.Contains(n - 1)))
            {
                order.Add(n - 1);
            }

            // A dropped citation takes its leading space with it; a kept one keeps it ("3 days [1]", "三天内[1]").
            var lead = m.Value[..(m.Value.Length - m.Value.TrimStart().Length)];
            return numbers.Count == 0 ? "" : lead + string.Concat(numbers.Select(n => $"[{order.IndexOf(n - 1) + 1}]"));
        });
        if (order.Count == 0)
        {
            return null;
        }

        renumbered = Spaces().Replace(renumbered, " ").Trim();
        return new GroundedAnswer(renumbered, order);
    }

    [GeneratedRegex(@"\s*[\[【]\s*(?:source\s*|来源\s*)?(\d{1,3}(?:\s*[,，、;]\s*(?:source\s*|来源\s*)?\d{1,3})*)\s*[\]】]", RegexOptions.IgnoreCase)]
    private static partial Regex Citation();

    [GeneratedRegex(@"\d{1,3}")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"[ \t]{2,}")]
    private static partial Regex Spaces();
}
