namespace Kefu.Core.Bot;

public enum BotAction
{
    /// <summary>Reply with the best entry's answer.</summary>
    Answer,

    /// <summary>Offer the top candidates ("您是不是想问…" / "Did you mean…").</summary>
    Suggest,

    /// <summary>Say it does not know (a failed round) and offer a person.</summary>
    DontKnow,

    /// <summary>Hand the conversation to a person.</summary>
    Handoff,
}

/// <summary>An FAQ candidate as the decision sees it: id and confidence.</summary>
public sealed record BotCandidate(string Id, double Confidence);

/// <summary>What the matcher found for the message (tier by the inbox's thresholds, best first).</summary>
public sealed record BotMatch(AnswerTier Tier, IReadOnlyList<BotCandidate> Candidates);

/// <summary>The bot's decision for one customer message.</summary>
public sealed record BotTurn(BotAction Action, IReadOnlyList<BotCandidate> Candidates, HandoffDecision Handoff, int FailedRounds);

/// <summary>
/// One round of the bot, as a pure decision: the customer's own signals (asks for a person, negative emotion, VIP,
/// a large amount) hand off before any answer; then the FAQ tier decides. Picking one of the offered suggestions
/// answers it directly. A round without an answer is a failure; after the inbox's limit the bot hands off.
/// </summary>
public static class BotBrain
{
    public static BotTurn Decide(HandoffRules rules, HandoffSignals signals, BotMatch match, int failedRoundsBefore, string? pickedSuggestion = null)
    {
        var early = HandoffPolicy.Decide(rules, signals with { FailedRounds = 0 });
        if (early.HandOff)
        {
            return new BotTurn(BotAction.Handoff, match.Candidates, early, failedRoundsBefore);
        }

        if (pickedSuggestion is not null)
        {
            var picked = match.Candidates.FirstOrDefault(c => c.Id == pickedSuggestion) ?? new BotCandidate(pickedSuggestion, 1);
            return new BotTurn(BotAction.Answer, [picked], early, 0);
        }

        switch (match.Tier)
        {
            case AnswerTier.Answer when match.Candidates.Count > 0:
                return new BotTurn(BotAction.Answer, match.Candidates, early, 0);
            case AnswerTier.Suggest when match.Candidates.Count > 0:
                return new BotTurn(BotAction.Suggest, match.Candidates.Take(3).ToList(), early, failedRoundsBefore);
            default:
                var failed = failedRoundsBefore + 1;
                var late = HandoffPolicy.Decide(rules, signals with { FailedRounds = failed });
                return late.HandOff
                    ? new BotTurn(BotAction.Handoff, match.Candidates, late, failed)
                    : new BotTurn(BotAction.DontKnow, [], late, failed);
        }
    }
}
