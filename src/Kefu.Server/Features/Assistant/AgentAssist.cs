using Kefu.Core.Bot;
using Kefu.Core.Knowledge;
using Kefu.Core.Tickets;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Assistant;

/// <summary>A knowledge-base answer suggested to the agent for the open conversation.</summary>
public sealed record AssistSuggestion(string Id, KbItemKind Kind, Guid ItemId, string Question, string Answer, string? Url, double Confidence, string Language);

/// <summary>What the assistant suggests for a conversation: the question it read and the best answers.</summary>
public sealed record AssistResult(string? Question, IReadOnlyList<AssistSuggestion> Suggestions);

/// <summary>
/// Agent assist: FAQ answers and articles for the customer's latest question, in the customer's language, from the
/// same models the bot uses. When an agent uses a suggested FAQ answer, the customer's wording becomes a training
/// example for that entry (a correction the bot learns from).
/// </summary>
public static class AgentAssist
{
    public const double MinConfidence = 0.1;

    public static async Task<AssistResult> SuggestAsync(KefuDbContext db, AssistantSnapshot? models, Guid conversationId, CancellationToken ct)
    {
        var last = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId && m.Kind == MessageKind.Inbound)
            .OrderByDescending(m => m.CreatedAt).Select(m => m.Text).FirstOrDefaultAsync(ct);
        if (models is null || string.IsNullOrWhiteSpace(last))
        {
            return new AssistResult(last, []);
        }

        var customerLanguage = await (from c in db.Conversations.AsNoTracking()
                                      join u in db.Customers.AsNoTracking() on c.CustomerId equals u.Id
                                      where c.Id == conversationId
                                      select u.Language).FirstOrDefaultAsync(ct);
        var language = KbLanguages.Detect(last, customerLanguage);
        // Every candidate worth a look, not only confident ones: the agent decides.
        var (_, candidates) = models.Knowledge(language).Match(last, new AnswerThresholds(1, MinConfidence * 2), top: 5);
        return new AssistResult(last, candidates.Where(c => c.Confidence >= MinConfidence)
            .Select(c => new AssistSuggestion(c.Item.Id, c.Item.Kind, c.Item.ItemId, c.Item.Question, BotReplies.Answer(c.Item, language), c.Item.Url, Math.Round(c.Confidence, 4), language))
            .ToList());
    }

    /// <summary>The agent used an FAQ answer for the customer's question: remember the wording for the classifier.</summary>
    public static async Task LearnAsync(KefuDbContext db, AssistSuggestion used, string question, DateTimeOffset now, CancellationToken ct)
    {
        if (used.Kind != KbItemKind.Faq || FaqExample.Create(used.Language, used.Id, question, now) is not { } example)
        {
            return;
        }

        if (await db.FaqExamples.AnyAsync(x => x.Language == example.Language && x.FaqKey == example.FaqKey && x.Text == example.Text, ct))
        {
            return;
        }

        db.FaqExamples.Add(example);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
        }
    }
}
