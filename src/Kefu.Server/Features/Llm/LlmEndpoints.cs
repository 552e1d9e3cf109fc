using System.Security.Claims;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Features.Assistant;
using Kefu.Server.Features.Auth;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Llm;

/// <summary>
/// The optional language model: admins configure and test it; agents ask for a summary, a reply draft or a translation
/// of a conversation they can see. Text that leaves the server is redacted (phones, e-mail, ID and card numbers).
/// </summary>
public static class LlmEndpoints
{
    public static void MapLlmEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin/llm").WithTags("Language model").RequireAuthorization(Policies.Admin);
        admin.MapGet("", Get).WithSummary("The language-model settings (admins). The API key is never returned; hasApiKey says whether one is stored.");
        admin.MapPut("", Put)
            .WithSummary("Change the language-model settings (admins): enabled, baseUrl (any OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1), model, apiKey (write-only; \"\" removes it), timeoutSeconds, maxTokens, and the features groundedAnswers, summaries, drafts, translation. Fields left out keep their value.");
        admin.MapPost("/test", Test)
            .WithSummary("Try the settings sent (fields left out and a blank apiKey use the stored ones) with a one-word prompt; says whether and how fast the model answered.");

        app.MapGet("/api/v1/llm/features", Features).RequireAuthorization(Policies.DirectoryRead).WithTags("Language model")
            .WithSummary("Which language-model features are on (for clients to show their buttons).");

        var conversation = app.MapGroup("/api/v1/conversations/{id:guid}/llm").WithTags("Conversations").AddEndpointFilter(ConversationEndpoints.VisibleOnly);
        conversation.MapPost("/summary", Summary).RequireAuthorization(Policies.ConversationsRead)
            .WithSummary("Summarise the conversation for the agent (language: default the agent's UI language). 409 when summaries are off, 502 when the model failed.");
        conversation.MapPost("/draft", Draft).RequireAuthorization(Policies.ConversationsWrite)
            .WithSummary("Draft the agent's next reply in the customer's language, from the conversation and the best knowledge-base answers; optional instructions. Never sent: the agent edits and sends it.");
        conversation.MapPost("/translate", Translate).RequireAuthorization(Policies.ConversationsRead)
            .WithSummary("Translate a message of the conversation (messageId; default into the agent's UI language) or a text such as the agent's draft (text; default into the customer's language); to overrides the target language.");
    }

    private static async Task<Ok<LlmSettingsDto>> Get(KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok(LlmSettingsDto.From(await LlmCommands.SettingsAsync(db, ct)));

    private static async Task<Results<Ok<LlmSettingsDto>, ProblemHttpResult>> Put(
        LlmSettingsRequest request, KefuDbContext db, LlmSecrets secrets, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var saved = await LlmCommands.SaveAsync(db, secrets, user.ToActor(), clock.GetUtcNow(), request, ct);
        return saved.IsOk ? TypedResults.Ok(LlmSettingsDto.From(saved.Value)) : Problems.From(saved.Error!);
    }

    private static async Task<Results<Ok<LlmTestResult>, ProblemHttpResult>> Test(
        LlmSettingsRequest? request, KefuDbContext db, LlmSecrets secrets, LlmGateway gateway, CancellationToken ct)
    {
        var tested = await LlmCommands.TestAsync(db, secrets, gateway, request, ct);
        return tested.IsOk ? TypedResults.Ok(tested.Value) : Problems.From(tested.Error!);
    }

    private static async Task<Ok<LlmFeaturesDto>> Features(KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok(LlmFeaturesDto.From(await LlmCommands.SettingsAsync(db, ct)));

    private static async Task<Results<Ok<LlmTextResult>, ProblemHttpResult>> Summary(
        Guid id, LlmSummaryRequest? request, ClaimsPrincipal user, KefuDbContext db, LlmGateway gateway, CancellationToken ct)
    {
        var errors = new FieldErrors().MaxLength("language", request?.Language, Limits.Language);
        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        var language = request?.Language ?? await AgentLanguageAsync(db, user, ct);
        return Answer(await LlmCommands.SummarizeAsync(db, gateway, id, language, ct));
    }

    private static async Task<Results<Ok<LlmTextResult>, ProblemHttpResult>> Draft(
        Guid id, LlmDraftRequest? request, KefuDbContext db, LlmGateway gateway, AssistantModels models, CancellationToken ct) =>
        Answer(await LlmCommands.DraftAsync(db, gateway, models.Current, id, request?.Instructions, ct));

    private static async Task<Results<Ok<LlmTextResult>, ProblemHttpResult>> Translate(
        Guid id, LlmTranslateRequest request, ClaimsPrincipal user, KefuDbContext db, LlmGateway gateway, CancellationToken ct) =>
        Answer(await LlmCommands.TranslateAsync(db, gateway, id, user.AgentId(), request, ct));

    public static async Task<string> AgentLanguageAsync(KefuDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var id = user.AgentId();
        return await db.Agents.Where(a => a.Id == id).Select(a => a.Language).FirstOrDefaultAsync(ct) ?? "en";
    }

    private static Results<Ok<LlmTextResult>, ProblemHttpResult> Answer(Result<LlmTextResult> result) => result.IsOk
        ? TypedResults.Ok(result.Value)
        : result.Error is LlmUnavailable down
            ? TypedResults.Problem(down.Message, statusCode: StatusCodes.Status502BadGateway, title: "Language model unavailable")
            : Problems.From(result.Error!);
}

public static class LlmSetup
{
    public static void AddKefuLlm(this IServiceCollection services)
    {
        services.AddSingleton<LlmSecrets>();
        services.AddSingleton<LlmGateway>();
    }
}
