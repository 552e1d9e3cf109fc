using Kefu.Core.Common;
using Kefu.Core.Knowledge;
using Kefu.Core.Llm;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Assistant;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Llm;

public sealed record LlmSettingsDto(
    bool Enabled, string BaseUrl, string Model, bool HasApiKey, int TimeoutSeconds, int MaxTokens,
    bool GroundedAnswers, bool Summaries, bool Drafts, bool Translation, DateTimeOffset UpdatedAt)
{
    public static LlmSettingsDto From(LlmSettings s) =>
        new(s.Enabled, s.BaseUrl, s.Model, s.HasApiKey, s.TimeoutSeconds, s.MaxTokens, s.GroundedAnswers, s.Summaries, s.Drafts, s.Translation, s.UpdatedAt);
}

/// <summary>
/// The workspace's language-model settings. Fields left out keep their current value. apiKey is write-only: null or
/// left out keeps the stored key, "" removes it; it is never returned (hasApiKey says whether one is stored).
/// </summary>
public sealed record LlmSettingsRequest(
    bool? Enabled, string? BaseUrl, string? Model, string? ApiKey, int? TimeoutSeconds, int? MaxTokens,
    bool? GroundedAnswers, bool? Summaries, bool? Drafts, bool? Translation);

/// <summary>Which language-model features agents can use now (for clients to show or hide their buttons).</summary>
public sealed record LlmFeaturesDto(bool Enabled, bool GroundedAnswers, bool Summaries, bool Drafts, bool Translation)
{
    public static LlmFeaturesDto From(LlmSettings s) =>
        new(s.Enabled, s.Allows(LlmFeature.GroundedAnswers), s.Allows(LlmFeature.Summaries), s.Allows(LlmFeature.Drafts), s.Allows(LlmFeature.Translation));
}

public sealed record LlmTestResult(bool Ok, string Message, int? Milliseconds, string Model);

/// <summary>Text the model wrote (personal data restored), in which language, how long it took.</summary>
public sealed record LlmTextResult(string Text, string Language, int Milliseconds);

/// <summary>Optional wishes for a draft ("apologise and offer a refund").</summary>
public sealed record LlmDraftRequest(string? Instructions);

public sealed record LlmSummaryRequest(string? Language);

/// <summary>Translate a message of the conversation (default: into the agent's language) or a text (default: into the customer's language).</summary>
public sealed record LlmTranslateRequest(Guid? MessageId, string? Text, string? To);

/// <summary>
/// The language-model features, shared by the API and the agent UI. Every call loads what it needs without holding a
/// transaction, builds a prompt through <see cref="LlmPrompts"/> (which redacts personal data with the request's
/// <see cref="PiiRedaction"/>), calls the model, and restores the placeholders only in text that goes back to people who
/// could already see the originals (the agent; the customer who wrote them).
/// </summary>
public static class LlmCommands
{
    public const int MaxApiKey = 1_000;
    public const int MaxInstructions = 1_000;
    public const int TranscriptMessages = 60;

    public static async Task<LlmSettings> SettingsAsync(KefuDbContext db, CancellationToken ct) =>
        await db.LlmSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? LlmSettings.Default(DateTimeOffset.UnixEpoch);

    public static async Task<Result<LlmSettings>> SaveAsync(KefuDbContext db, LlmSecrets secrets, Actor actor, DateTimeOffset now, LlmSettingsRequest r, CancellationToken ct)
    {
        if (r.ApiKey is { Length: > MaxApiKey })
        {
            return Invalid.Field("apiKey", $"must be at most {MaxApiKey} characters.");
        }

        var settings = await db.LlmSettings.FirstOrDefaultAsync(ct);
        var isNew = settings is null;
        settings ??= LlmSettings.Default(now);
        var applied = settings.Apply(Merge(settings, r, secrets), now);
        if (!applied.IsOk)
        {
            return applied.Error!;
        }

        if (isNew)
        {
            db.LlmSettings.Add(settings);
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "llm_settings", Guid.Empty, applied.Value));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return new Conflict("The language-model settings were created at the same moment; save again.");
        }

        return settings;
    }

    /// <summary>Tries the settings sent (fields left out: the stored ones; a blank key: the stored one) with a one-word prompt.</summary>
    public static async Task<Result<LlmTestResult>> TestAsync(KefuDbContext db, LlmSecrets secrets, LlmGateway gateway, LlmSettingsRequest? r, CancellationToken ct)
    {
        var stored = await SettingsAsync(db, ct);
        var content = Merge(stored, (r ?? new(null, null, null, null, null, null, null, null, null, null)) with { ApiKey = string.IsNullOrEmpty(r?.ApiKey) ? null : r.ApiKey }, secrets)
            with { Enabled = true };
        var probe = LlmSettings.Default(DateTimeOffset.UnixEpoch);
        var applied = probe.Apply(content with { ApiKeyProtected = content.ApiKeyProtected ?? stored.ApiKeyProtected }, DateTimeOffset.UnixEpoch);
        if (!applied.IsOk)
        {
            return applied.Error!;
        }

        var reply = await gateway.CompleteAsync(probe, LlmPrompts.Ping(), ct, maxTokens: 16);
        return reply.IsOk
            ? new LlmTestResult(true, $"The model answered in {reply.Value.Milliseconds} ms: “{Short(reply.Value.Text, 60)}”", reply.Value.Milliseconds, probe.Model)
            : new LlmTestResult(false, reply.Error!.Message, null, probe.Model);
    }

    public static async Task<Result<LlmTextResult>> SummarizeAsync(KefuDbContext db, LlmGateway gateway, Guid conversationId, string language, CancellationToken ct)
    {
        if (await EnabledAsync(db, LlmFeature.Summaries, ct) is not { } settings)
        {
            return Off("Summaries");
        }

        var context = await ContextAsync(db, conversationId, includeNotes: true, ct);
        if (context is null)
        {
            return new NotFound("Conversation", conversationId.ToString());
        }

        if (context.Transcript.Count == 0)
        {
            return Invalid.Field("conversation", "has no messages to summarise.");
        }

        var redaction = new PiiRedaction();
        return Restored(await gateway.CompleteAsync(settings, LlmPrompts.Summary(redaction, context.Transcript, language), ct), redaction, language);
    }

    public static async Task<Result<LlmTextResult>> DraftAsync(KefuDbContext db, LlmGateway gateway, AssistantSnapshot? models, Guid conversationId, string? instructions, CancellationToken ct)
    {
        if (instructions is { Length: > MaxInstructions })
        {
            return Invalid.Field("instructions", $"must be at most {MaxInstructions} characters.");
        }

        if (await EnabledAsync(db, LlmFeature.Drafts, ct) is not { } settings)
        {
            return Off("Reply drafts");
        }

        // Internal notes stay out of what the customer-facing draft is based on.
        var context = await ContextAsync(db, conversationId, includeNotes: false, ct);
        if (context is null)
        {
            return new NotFound("Conversation", conversationId.ToString());
        }

        var assist = await AgentAssist.SuggestAsync(db, models, conversationId, ct);
        var sources = assist.Suggestions.Take(3).Select(s => new LlmSource(s.Question, s.Answer)).ToList();
        var redaction = new PiiRedaction();
        return Restored(await gateway.CompleteAsync(settings, LlmPrompts.Draft(redaction, context.Transcript, sources, context.CustomerLanguage, instructions), ct),
            redaction, context.CustomerLanguage);
    }

    public static async Task<Result<LlmTextResult>> TranslateAsync(KefuDbContext db, LlmGateway gateway, Guid conversationId, Guid agentId, LlmTranslateRequest r, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (r.MessageId is null == string.IsNullOrWhiteSpace(r.Text))
        {
            errors.Add(r.MessageId is null ? "text" : "messageId", "send either messageId (a message of this conversation) or text.");
        }

        errors.MaxLength("text", r.Text, Limits.MessageText);
        if (r.To is { } to && (to.Length is 0 or > Limits.Language || !to.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            errors.Add("to", "must be a language code such as zh-CN or en.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        if (await EnabledAsync(db, LlmFeature.Translation, ct) is not { } settings)
        {
            return Off("Translation");
        }

        var context = await ContextAsync(db, conversationId, includeNotes: false, ct);
        if (context is null)
        {
            return new NotFound("Conversation", conversationId.ToString());
        }

        string text;
        string target;
        if (r.MessageId is { } messageId)
        {
            var message = await db.Messages.AsNoTracking().Where(m => m.Id == messageId && m.ConversationId == conversationId).Select(m => m.Text).FirstOrDefaultAsync(ct);
            if (message is null)
            {
                return Invalid.Field("messageId", "is not a message of this conversation.");
            }

            text = message;
            target = r.To ?? await db.Agents.AsNoTracking().Where(a => a.Id == agentId).Select(a => a.Language).FirstOrDefaultAsync(ct) ?? KbLanguages.English;
        }
        else
        {
            text = r.Text!;
            target = r.To ?? context.CustomerLanguage;
        }

        var redaction = new PiiRedaction();
        return Restored(await gateway.CompleteAsync(settings, LlmPrompts.Translate(redaction, text, target), ct), redaction, target);
    }

    /// <summary>
    /// The bot's grounded answer: the best knowledge-base items for the question go to the model as numbered sources; an
    /// answer that cites them is returned with its source list, in the customer's language. Null when the feature is off,
    /// nothing matched, the model failed or timed out, or it did not answer from the sources: the bot then replies as usual.
    /// </summary>
    public static async Task<string?> GroundedReplyAsync(
        KefuDbContext db, LlmGateway gateway, LanguageKnowledge knowledge, Kefu.Core.Bot.AnswerThresholds thresholds, string question, string language, ILogger log, CancellationToken ct)
    {
        if (await EnabledAsync(db, LlmFeature.GroundedAnswers, ct) is not { } settings)
        {
            return null;
        }

        var (_, candidates) = knowledge.Match(question, thresholds, top: 5);
        if (candidates.Count == 0)
        {
            return null;
        }

        var articleIds = candidates.Where(c => c.Item.Kind == KbItemKind.Article).Select(c => c.Item.ItemId).ToList();
        var bodies = articleIds.Count == 0 ? [] : await db.Articles.AsNoTracking().Where(a => articleIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Body, ct);
        var items = candidates.Select(c => c.Item).ToList();
        var sources = items.Select(i => new LlmSource(i.Question,
            i.Kind == KbItemKind.Article && bodies.TryGetValue(i.ItemId, out var body) ? $"{i.Answer}\n{body}" : i.Answer)).ToList();
        var redaction = new PiiRedaction();
        var reply = await gateway.CompleteAsync(settings, LlmPrompts.GroundedAnswer(redaction, question, sources, language), ct);
        if (!reply.IsOk)
        {
            log.LogWarning("The bot answers without the language model: {Error}", reply.Error!.Message);
            return null;
        }

        if (GroundedAnswers.Parse(reply.Value.Text, sources.Count) is not { } answer)
        {
            return null;
        }

        var chinese = BotReplies.IsChinese(language);
        var lines = answer.Sources.Select((index, n) =>
        {
            var item = items[index];
            return item.Url is { } url ? $"[{n + 1}] {item.Question} — {url}" : $"[{n + 1}] {item.Question}";
        });
        return $"{redaction.Restore(answer.Text)}\n\n{(chinese ? "参考来源：" : "Sources:")}\n{string.Join("\n", lines)}";
    }

    /// <summary>A summary for the bot's handoff note, or "" when summaries are off or the model failed.</summary>
    public static async Task<string> HandoffSummaryAsync(KefuDbContext db, LlmGateway gateway, Guid conversationId, string language, CancellationToken ct)
    {
        if (await EnabledAsync(db, LlmFeature.Summaries, ct) is null)
        {
            return "";
        }

        var summary = await SummarizeAsync(db, gateway, conversationId, language, ct);
        return summary.IsOk ? $"\nAI summary · AI 摘要:\n{summary.Value.Text}" : "";
    }

    private static async Task<LlmSettings?> EnabledAsync(KefuDbContext db, LlmFeature feature, CancellationToken ct) =>
        await SettingsAsync(db, ct) is { } s && s.Allows(feature) ? s : null;

    private static Conflict Off(string feature) => new($"{feature} with the language model are off; an admin can turn them on under Admin → Language model.");

    private static Result<LlmTextResult> Restored(Result<LlmReply> reply, PiiRedaction redaction, string language) =>
        reply.IsOk ? new LlmTextResult(redaction.Restore(reply.Value.Text), language, reply.Value.Milliseconds) : reply.Error!;

    private sealed record ConversationContext(IReadOnlyList<TranscriptLine> Transcript, string CustomerLanguage);

    private static async Task<ConversationContext?> ContextAsync(KefuDbContext db, Guid conversationId, bool includeNotes, CancellationToken ct)
    {
        var customerLanguage = await (from c in db.Conversations.AsNoTracking()
                                      join u in db.Customers.AsNoTracking() on c.CustomerId equals u.Id
                                      where c.Id == conversationId
                                      select new { u.Language }).FirstOrDefaultAsync(ct);
        if (customerLanguage is null)
        {
            return null;
        }

        var messages = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId)
            .OrderByDescending(m => m.CreatedAt).Take(TranscriptMessages)
            .Select(m => new { m.Kind, m.AuthorKind, m.Text }).ToListAsync(ct);
        messages.Reverse();
        var transcript = messages
            // The bot's own handoff notes are metadata, not conversation.
            .Where(m => m.Kind != MessageKind.Note || (includeNotes && m.AuthorKind != AuthorKind.Bot))
            .Where(m => !string.IsNullOrWhiteSpace(m.Text))
            .Select(m => new TranscriptLine(m.Kind switch
            {
                MessageKind.Note => TranscriptRole.Note,
                MessageKind.Inbound => TranscriptRole.Customer,
                MessageKind.Outbound => m.AuthorKind == AuthorKind.Bot ? TranscriptRole.Bot : TranscriptRole.Agent,
            }, m.Text)).ToList();
        var lastCustomer = transcript.LastOrDefault(l => l.Role == TranscriptRole.Customer)?.Text ?? "";
        return new ConversationContext(transcript, KbLanguages.Detect(lastCustomer, customerLanguage.Language ?? KbLanguages.English));
    }

    private static LlmSettingsContent Merge(LlmSettings current, LlmSettingsRequest r, LlmSecrets secrets) => new(
        r.Enabled ?? current.Enabled, r.BaseUrl ?? current.BaseUrl, r.Model ?? current.Model,
        r.ApiKey is null ? null : r.ApiKey.Length == 0 ? "" : secrets.Protect(r.ApiKey.Trim()),
        r.TimeoutSeconds ?? current.TimeoutSeconds, r.MaxTokens ?? current.MaxTokens,
        r.GroundedAnswers ?? current.GroundedAnswers, r.Summaries ?? current.Summaries, r.Drafts ?? current.Drafts, r.Translation ?? current.Translation);

    private static string Short(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
