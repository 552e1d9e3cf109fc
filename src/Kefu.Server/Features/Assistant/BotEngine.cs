using Kefu.Core.Bot;
using Kefu.Core.Knowledge;

namespace Kefu.Server.Features.Assistant;

/// <summary>Everything the bot concluded about one message: shown in the admin test console and acted on in chats.</summary>
public sealed record BotEvaluation(
    string Language, AnswerTier Tier, IReadOnlyList<(KbItem Item, double Confidence)> Candidates, MessageReading Reading,
    HandoffSignals Signals, BotTurn Turn)
{
    public KbItem? Picked => Turn.Action == BotAction.Answer ? Candidates.FirstOrDefault(c => c.Item.Id == Turn.Candidates[0].Id).Item : null;
}

/// <summary>Runs one bot round over the current models (the decision itself is <see cref="BotBrain"/> in Core).</summary>
public static class BotEngine
{
    public static BotEvaluation Evaluate(
        AssistantSnapshot models, BotSettings settings, string text, string? fallbackLanguage, int failedRounds, bool isVip,
        IReadOnlyList<string> offered, double minCategoryConfidence)
    {
        var language = KbLanguages.Detect(text, fallbackLanguage);
        var knowledge = models.Knowledge(language);
        var (tier, candidates) = knowledge.Match(text, settings.Thresholds);
        var reading = models.Read(text, minCategoryConfidence);

        // A click on one of the offered suggestions sends its question: answer exactly that entry.
        string? picked = null;
        var normalized = TextNormalizer.Normalize(text);
        foreach (var id in offered)
        {
            if (knowledge.Items.TryGetValue(id, out var item) && TextNormalizer.Normalize(item.Question) == normalized)
            {
                picked = id;
                if (candidates.All(c => c.Item.Id != id))
                {
                    candidates = [(item, 1.0), .. candidates];
                }

                break;
            }
        }

        // Negative emotion: the lexicon, or a trained sentiment model that is sure the message is negative.
        var negativeModel = reading.SentimentLabel == "negative" && reading.Sentiment <= -0.5 && models.Sentiment != Kefu.Assistant.Models.SentimentModel.LexiconOnly;
        var signals = HandoffPolicy.Signals(text, failedRounds, isVip, EmotionLexicon.IsNegative(text) || negativeModel);
        var match = new BotMatch(tier, candidates.Select(c => new BotCandidate(c.Item.Id, c.Confidence)).ToList());
        var turn = BotBrain.Decide(settings.Rules, signals, match, failedRounds, picked);
        return new BotEvaluation(language, tier, candidates, reading, signals, turn);
    }
}
