namespace Kefu.Core.Bot;

/// <summary>What the bot does with a question, from its confidence in the best match.</summary>
public enum AnswerTier
{
    /// <summary>Confident: reply with the answer.</summary>
    Answer,

    /// <summary>Unsure between close matches: offer the top 3 ("您是不是想问…" / "Did you mean…").</summary>
    Suggest,

    /// <summary>Out of scope: say it does not know (and count a failed round); never guess.</summary>
    OutOfScope,
}

/// <summary>
/// The confidence cut-offs of the three tiers. <see cref="OutOfScopeBelow"/> is the explicit out-of-scope
/// decision; both are tuned on development data (docs/bot-evaluation.md) and can be changed per inbox.
/// </summary>
public sealed record AnswerThresholds(double AnswerAtOrAbove, double OutOfScopeBelow)
{
    public AnswerTier Decide(double confidence, bool bestIsOutOfScopeClass = false) =>
        bestIsOutOfScopeClass || confidence < OutOfScopeBelow ? AnswerTier.OutOfScope
        : confidence >= AnswerAtOrAbove ? AnswerTier.Answer
        : AnswerTier.Suggest;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (AnswerAtOrAbove is < 0 or > 1 || OutOfScopeBelow is < 0 or > 1)
        {
            errors.Add("thresholds are confidences between 0 and 1.");
        }

        if (OutOfScopeBelow > AnswerAtOrAbove)
        {
            errors.Add("the out-of-scope threshold cannot be above the answer threshold.");
        }

        return errors;
    }
}
