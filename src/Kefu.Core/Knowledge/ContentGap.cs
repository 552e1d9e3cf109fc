using Kefu.Core.Bot;

namespace Kefu.Core.Knowledge;

public enum GapSource
{
    /// <summary>A customer question the bot could not answer (out of scope).</summary>
    Bot,

    /// <summary>A help-center search that found nothing.</summary>
    Search,
}

/// <summary>
/// A question the knowledge base does not answer yet, grouped by its normalised text: how often it was asked,
/// first and last time, and one original wording. Authors close a gap when they have written the answer.
/// </summary>
public sealed class ContentGap
{
    private ContentGap()
    {
    }

    public Guid Id { get; private set; }

    public GapSource Source { get; private set; }

    public string Language { get; private set; } = "";

    public string Text { get; private set; } = "";

    /// <summary>The grouping key: <see cref="Normalize"/> of the text.</summary>
    public string Normalized { get; private set; } = "";

    public int Count { get; private set; }

    public DateTimeOffset FirstAt { get; private set; }

    public DateTimeOffset LastAt { get; private set; }

    public DateTimeOffset? ResolvedAt { get; private set; }

    public static ContentGap Create(GapSource source, string language, string text, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Source = source,
        Language = language,
        Text = Clip(text.Trim()),
        Normalized = Normalize(text),
        Count = 1,
        FirstAt = now,
        LastAt = now,
    };

    public void Resolve(DateTimeOffset now) => ResolvedAt = now;

    /// <summary>Normalised text without punctuation or spaces, so "退货运费谁出？" and "退货运费谁出" are one gap.</summary>
    public static string Normalize(string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        var kept = new string(normalized.Where(c => char.IsLetterOrDigit(c) || c == ' ').ToArray()).Trim();
        return Clip(string.Join(' ', kept.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }

    private static string Clip(string s) => s.Length <= KbLimits.GapText ? s : s[..KbLimits.GapText];
}
