namespace Kefu.Core.Knowledge;

/// <summary>
/// A customer's own wording of an FAQ entry, learned from agents (they answered the message with the entry's
/// suggestion): extra training data for the bot's classifier, kept apart from the authored similar questions.
/// </summary>
public sealed class FaqExample
{
    private FaqExample()
    {
    }

    public Guid Id { get; private set; }

    public string Language { get; private set; } = "";

    public string FaqKey { get; private set; } = "";

    public string Text { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public static FaqExample? Create(string language, string faqKey, string text, DateTimeOffset now)
    {
        var clean = text.Trim();
        if (clean.Length is 0 or > KbLimits.Question || !KbLanguages.IsSupported(language) || !KbKeys.IsKey(faqKey))
        {
            return null;
        }

        return new FaqExample { Id = Guid.CreateVersion7(now), Language = language, FaqKey = faqKey, Text = clean, CreatedAt = now };
    }
}
