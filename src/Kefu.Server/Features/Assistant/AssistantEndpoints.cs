using System.Security.Claims;
using Kefu.Core.Bot;
using Kefu.Core.Common;
using Kefu.Core.Knowledge;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Assistant;

public sealed record BotSettingsDto(
    Guid InboxId, bool Enabled, double AnswerAtOrAbove, double OutOfScopeBelow, int MaxFailedRounds, bool OnCustomerRequest, bool OnNegativeEmotion,
    bool OnVip, decimal? AmountThreshold, string GreetingZh, string GreetingEn)
{
    public static BotSettingsDto From(BotSettings s) => new(s.InboxId, s.Enabled, s.AnswerAtOrAbove, s.OutOfScopeBelow, s.MaxFailedRounds, s.OnCustomerRequest,
        s.OnNegativeEmotion, s.OnVip, s.AmountThreshold, s.GreetingZh, s.GreetingEn);
}

/// <summary>The bot settings of an inbox; fields left out keep the shipped defaults.</summary>
public sealed record BotSettingsRequest(
    bool? Enabled, double? AnswerAtOrAbove, double? OutOfScopeBelow, int? MaxFailedRounds, bool? OnCustomerRequest, bool? OnNegativeEmotion,
    bool? OnVip, decimal? AmountThreshold, string? GreetingZh, string? GreetingEn)
{
    public BotSettingsContent ToContent()
    {
        var d = new BotSettingsContent();
        return new(Enabled ?? d.Enabled, AnswerAtOrAbove ?? d.AnswerAtOrAbove, OutOfScopeBelow ?? d.OutOfScopeBelow, MaxFailedRounds ?? d.MaxFailedRounds,
            OnCustomerRequest ?? d.OnCustomerRequest, OnNegativeEmotion ?? d.OnNegativeEmotion, OnVip ?? d.OnVip, AmountThreshold, GreetingZh ?? d.GreetingZh, GreetingEn ?? d.GreetingEn);
    }
}

/// <summary>A message to try on the bot without a chat: the conversation's facts can be set to see every handoff rule.</summary>
public sealed record BotTryRequest(Guid? InboxId, string? Text, string? Language, int? FailedRounds, bool? Vip, IReadOnlyList<string>? Offered, BotSettingsRequest? Settings);

public sealed record BotCandidateDto(string Id, KbItemKind Kind, string Question, double Confidence, string? Url);

public sealed record BotSignalsDto(bool AsksForHuman, bool NegativeEmotion, bool Vip, decimal? Amount, int FailedRounds);

public sealed record BotTryResult(
    string Language, AnswerTier Tier, BotAction Action, IReadOnlyList<BotCandidateDto> Candidates, string Reply, IReadOnlyList<string> QuickReplies,
    bool HandOff, IReadOnlyList<HandoffReason> HandoffReasons, BotSignalsDto Signals, int FailedRoundsAfter,
    string SentimentLabel, double Sentiment, Guid? SuggestedCategoryId, string? SuggestedCategoryKey, double? CategoryConfidence, long KbVersion);

public sealed record AssistantStatus(bool Ready, long KbVersion, long KbVersionInDatabase, DateTimeOffset? BuiltAt, int? BuildMilliseconds, IReadOnlyDictionary<string, int> Items, int CategoryLabels);

public static class AssistantEndpoints
{
    public static void MapAssistantEndpoints(this IEndpointRouteBuilder app)
    {
        var bot = app.MapGroup("/api/v1").WithTags("Bot");
        bot.MapGet("/chat-inboxes/{inboxId:guid}/bot", GetSettings).RequireAuthorization(Policies.DirectoryRead)
            .WithSummary("The inbox's bot: on/off, confidence thresholds and handoff rules (defaults when never changed: on).");
        bot.MapPut("/chat-inboxes/{inboxId:guid}/bot", PutSettings).RequireAuthorization(Policies.Admin)
            .WithSummary("Change the inbox's bot (admins): enabled, answerAtOrAbove, outOfScopeBelow, maxFailedRounds (0 = off), onCustomerRequest, onNegativeEmotion, onVip, amountThreshold (null = off), greetings.");
        bot.MapPost("/bot/try", Try).RequireAuthorization(Policies.DirectoryRead)
            .WithSummary("The test console: what the bot would do with a message (tier, matches with confidence, sentiment, category, handoff decision and reasons, the reply) under an inbox's settings or the settings sent.");
        bot.MapGet("/conversations/{id:guid}/assist", Assist).RequireAuthorization(Policies.ConversationsRead).WithTags("Conversations")
            .WithSummary("Agent assist: FAQ answers and articles for the customer's latest question, best first, with confidence.");
        bot.MapPost("/conversations/{id:guid}/assist/used", AssistUsed).RequireAuthorization(Policies.ConversationsWrite).WithTags("Conversations")
            .WithSummary("Tell the assistant an FAQ suggestion was used for this conversation: the customer's wording trains the bot's classifier.");
        bot.MapGet("/assistant/status", Status).RequireAuthorization(Policies.DirectoryRead)
            .WithSummary("Which knowledge-base version the assistant's models were built from, when, and how many items each language has.");
        BotFlows.BotFlowEndpoints.MapBotFlowEndpoints(app);
    }

    private static async Task<Results<Ok<BotSettingsDto>, ProblemHttpResult>> GetSettings(Guid inboxId, KefuDbContext db, CancellationToken ct)
    {
        if (!await db.ChatInboxes.AnyAsync(i => i.Id == inboxId, ct))
        {
            return Problems.From(new NotFound("Chat inbox", inboxId.ToString()));
        }

        return TypedResults.Ok(BotSettingsDto.From(await db.BotSettings.AsNoTracking().FirstOrDefaultAsync(s => s.InboxId == inboxId, ct) ?? BotSettings.Defaults(inboxId)));
    }

    private static async Task<Results<Ok<BotSettingsDto>, ProblemHttpResult>> PutSettings(
        Guid inboxId, BotSettingsRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var saved = await SaveSettingsAsync(db, user.ToActor(), clock.GetUtcNow(), inboxId, request, ct);
        return saved.IsOk ? TypedResults.Ok(BotSettingsDto.From(saved.Value)) : Problems.From(saved.Error!);
    }

    /// <summary>Saves an inbox's bot settings (shared with the admin page).</summary>
    public static async Task<Result<BotSettings>> SaveSettingsAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid inboxId, BotSettingsRequest request, CancellationToken ct)
    {
        if (!await db.ChatInboxes.AnyAsync(i => i.Id == inboxId, ct))
        {
            return new NotFound("Chat inbox", inboxId.ToString());
        }

        var settings = await db.BotSettings.FirstOrDefaultAsync(s => s.InboxId == inboxId, ct);
        IReadOnlyList<FieldChange> changes;
        if (settings is null)
        {
            var created = BotSettings.Create(inboxId, request.ToContent(), now);
            if (!created.IsOk)
            {
                return created.Error!;
            }

            settings = created.Value;
            db.BotSettings.Add(settings);
            changes = [new("enabled", null, settings.Enabled.ToString())];
        }
        else
        {
            var applied = settings.Apply(request.ToContent(), now);
            if (!applied.IsOk)
            {
                return applied.Error!;
            }

            changes = applied.Value;
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "chat_inbox_bot", inboxId, changes));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return new Conflict("Someone saved this inbox's bot settings at the same moment; reload and try again.");
        }

        return settings;
    }

    private static async Task<Results<Ok<BotTryResult>, ProblemHttpResult>> Try(
        BotTryRequest request, KefuDbContext db, AssistantModels models, IOptions<AssistantOptions> options, CancellationToken ct)
    {
        var errors = new FieldErrors().Required("text", request.Text, Kefu.Server.Features.Chat.ChatCommands.MaxVisitorText);
        if (request.Language is not null && !KbLanguages.IsSupported(request.Language))
        {
            errors.Add("language", "must be \"zh-CN\" or \"en\".");
        }

        if (request.FailedRounds is < 0 or > 100)
        {
            errors.Add("failedRounds", "must be between 0 and 100.");
        }

        BotSettings settings;
        if (request.Settings is { } custom)
        {
            var made = BotSettings.Create(request.InboxId ?? Guid.Empty, custom.ToContent(), DateTimeOffset.UnixEpoch);
            errors.Include(made.Error);
            settings = made.IsOk ? made.Value : BotSettings.Defaults(Guid.Empty);
        }
        else if (request.InboxId is { } inboxId)
        {
            if (!await db.ChatInboxes.AnyAsync(i => i.Id == inboxId, ct))
            {
                errors.Add("inboxId", $"no chat inbox has the id {inboxId}.");
            }

            settings = await db.BotSettings.AsNoTracking().FirstOrDefaultAsync(s => s.InboxId == inboxId, ct) ?? BotSettings.Defaults(inboxId);
        }
        else
        {
            settings = BotSettings.Defaults(Guid.Empty);
        }

        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        if (models.Current is not { } snapshot)
        {
            return Problems.From(new Conflict("The assistant's models are still being built; try again in a moment."));
        }

        return TypedResults.Ok(Describe(snapshot, BotEngine.Evaluate(snapshot, settings, request.Text!, request.Language, request.FailedRounds ?? 0, request.Vip ?? false,
            request.Offered ?? [], options.Value.MinCategoryConfidence), settings));
    }

    public static BotTryResult Describe(AssistantSnapshot snapshot, BotEvaluation e, BotSettings settings)
    {
        var language = e.Language;
        var (reply, quick) = e.Turn.Action switch
        {
            BotAction.Answer => (BotReplies.Answer(e.Picked ?? e.Candidates[0].Item, language), (IReadOnlyList<string>)[]),
            BotAction.Suggest => (BotReplies.Suggest(e.Candidates.Take(3).Select(c => c.Item).ToList(), language),
                [.. e.Candidates.Take(3).Select(c => c.Item.Question), BotReplies.TalkToPerson(language)]),
            BotAction.DontKnow => (BotReplies.DontKnow(language), [BotReplies.TalkToPerson(language)]),
            BotAction.Handoff => (BotReplies.Handoff(e.Turn.Handoff.Reason, language), []),
        };
        var key = e.Reading.CategoryKey;
        return new BotTryResult(language, e.Tier, e.Turn.Action,
            e.Candidates.Select(c => new BotCandidateDto(c.Item.Id, c.Item.Kind, c.Item.Question, Math.Round(c.Confidence, 4), c.Item.Url)).ToList(),
            reply, quick, e.Turn.Handoff.HandOff, e.Turn.Handoff.Reasons,
            new BotSignalsDto(e.Signals.AsksForHuman, e.Signals.NegativeEmotion, e.Signals.IsVip, e.Signals.Amount, e.Turn.FailedRounds),
            e.Turn.FailedRounds, e.Reading.SentimentLabel, e.Reading.Sentiment, e.Reading.CategoryId, key, e.Reading.CategoryConfidence, snapshot.KbVersion);
    }

    private static async Task<Results<Ok<AssistResult>, ProblemHttpResult>> Assist(Guid id, ClaimsPrincipal user, KefuDbContext db, AssistantModels models, CancellationToken ct)
    {
        if (!await VisibleAsync(db, user, id, ct))
        {
            return Problems.From(new NotFound("Conversation", id.ToString()));
        }

        return TypedResults.Ok(await AgentAssist.SuggestAsync(db, models.Current, id, ct));
    }

    public sealed record AssistUsedRequest(string? Id);

    private static async Task<Results<NoContent, ProblemHttpResult>> AssistUsed(
        Guid id, AssistUsedRequest request, ClaimsPrincipal user, KefuDbContext db, AssistantModels models, TimeProvider clock, CancellationToken ct)
    {
        if (!await VisibleAsync(db, user, id, ct))
        {
            return Problems.From(new NotFound("Conversation", id.ToString()));
        }

        var assist = await AgentAssist.SuggestAsync(db, models.Current, id, ct);
        if (assist.Suggestions.FirstOrDefault(s => s.Id == request.Id) is not { } used)
        {
            return Problems.From(Invalid.Field("id", "is not one of the conversation's current suggestions."));
        }

        await AgentAssist.LearnAsync(db, used, assist.Question!, clock.GetUtcNow(), ct);
        return TypedResults.NoContent();
    }

    private static async Task<bool> VisibleAsync(KefuDbContext db, ClaimsPrincipal user, Guid id, CancellationToken ct) =>
        await Conversations.ConversationViewer.LoadAsync(db, user.AgentId(), ct) is { } viewer
        && await Conversations.ConversationQueries.VisibleTo(db.Conversations.AsNoTracking().Where(c => c.Id == id), viewer).AnyAsync(ct);

    private static async Task<Ok<AssistantStatus>> Status(KefuDbContext db, AssistantModels models, CancellationToken ct)
    {
        var inDb = await db.Counters.AsNoTracking().Where(c => c.Name == KnowledgeVersion.Counter).Select(c => c.Value).FirstOrDefaultAsync(ct);
        var s = models.Current;
        return TypedResults.Ok(new AssistantStatus(s is not null, s?.KbVersion ?? -1, inDb, s?.BuiltAt, s is null ? null : (int)s.BuildTime.TotalMilliseconds,
            s?.Languages.ToDictionary(l => l.Key, l => l.Value.Items.Count) ?? [], s?.Categories?.Keys.Count ?? 0));
    }
}
