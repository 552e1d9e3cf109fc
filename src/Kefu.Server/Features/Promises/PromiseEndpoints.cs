using System.Security.Claims;
using Kefu.Core.Common;
using Kefu.Core.Promises;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Infrastructure;
using Kefu.Server.Jobs;
using Kefu.Server.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Promises;

public static class PromiseEndpoints
{
    public static void MapPromiseEndpoints(this IEndpointRouteBuilder app)
    {
        var conversation = app.MapGroup("/api/v1/conversations/{id:guid}").WithTags("Conversations").AddEndpointFilter(ConversationEndpoints.VisibleOnly);
        conversation.MapGet("/promises", ForConversation).RequireAuthorization(Policies.ConversationsRead).WithSummary("The promises made on a conversation.");
        conversation.MapPost("/promises", Create).RequireAuthorization(Policies.ConversationsWrite)
            .WithSummary("Record a promise (text, dueAt, remindMinutes before, default 15); customerMessage (optional) is sent to the customer as a progress message.");
        conversation.MapGet("/follow-ups", FollowUpsOf).RequireAuthorization(Policies.ConversationsRead).WithSummary("The conversation's follow-ups (scheduled on resolution).");

        var promises = app.MapGroup("/api/v1/promises").WithTags("Promises");
        promises.MapGet("", Mine).RequireAuthorization(Policies.ConversationsRead).WithSummary("The caller's open promises, soonest due first (?all=true includes kept and cancelled).");
        promises.MapPatch("/{promiseId:guid}", Close).RequireAuthorization(Policies.ConversationsWrite).WithSummary("Mark a promise kept or cancelled (its agent or a supervisor).");

        var followUps = app.MapGroup("/api/v1/follow-ups").WithTags("Follow-ups");
        followUps.MapGet("", MyFollowUps).RequireAuthorization(Policies.ConversationsRead).WithSummary("The caller's scheduled follow-ups, soonest first.");
        followUps.MapPatch("/{followUpId:guid}", CloseFollowUp).RequireAuthorization(Policies.ConversationsWrite).WithSummary("Mark a follow-up done (customer satisfied) or cancelled.");
        app.MapGet("/api/v1/follow-up-settings", GetSettings).RequireAuthorization(Policies.DirectoryRead).WithTags("Follow-ups").WithSummary("Hours after resolution until the follow-up: default and per category.");
        app.MapPut("/api/v1/follow-up-settings", PutSettings).RequireAuthorization(Policies.Admin).WithTags("Follow-ups").WithSummary("Set the follow-up hours (admins); 0 turns follow-ups off.");
    }

    private static async Task<Ok<List<PromiseDto>>> ForConversation(Guid id, KefuDbContext db, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await PromiseCommands.ListAsync(db, clock.GetUtcNow(), ct, conversationId: id));

    private static async Task<Results<Created<PromiseDto>, ProblemHttpResult>> Create(
        Guid id, CreatePromiseRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, RealtimePublisher realtime, CancellationToken ct)
    {
        var result = await PromiseCommands.CreateAsync(db, user.ToActor(), clock.GetUtcNow(), id, request, ct);
        if (!result.IsOk)
        {
            return Problems.From(result.Error!);
        }

        if (result.Value is { Message: { } message, Conversation: { } conversation })
        {
            await realtime.MessageCreatedAsync(conversation, message);
        }

        return TypedResults.Created($"/api/v1/promises/{result.Value.Promise.Id}", result.Value.Promise);
    }

    private static async Task<Ok<List<PromiseDto>>> Mine(bool? all, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await PromiseCommands.ListAsync(db, clock.GetUtcNow(), ct, agentId: user.AgentId(), openOnly: all != true));

    private static async Task<Results<Ok<PromiseDto>, ProblemHttpResult>> Close(
        Guid promiseId, ClosePromiseRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await PromiseCommands.CloseAsync(db, user.ToActor(), user.AgentRole(), clock.GetUtcNow(), promiseId, request, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Ok<List<FollowUpDto>>> FollowUpsOf(Guid id, KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await PromiseCommands.FollowUpsAsync(db, ct, conversationId: id));

    private static async Task<Ok<List<FollowUpDto>>> MyFollowUps(KefuDbContext db, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await PromiseCommands.FollowUpsAsync(db, ct, agentId: user.AgentId(), openOnly: true));

    private static async Task<Results<Ok<FollowUpDto>, ProblemHttpResult>> CloseFollowUp(
        Guid followUpId, CloseFollowUpRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await PromiseCommands.CloseFollowUpAsync(db, user.ToActor(), clock.GetUtcNow(), followUpId, request, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Ok<FollowUpSettingsDto>> GetSettings(KefuDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var s = await db.FollowUpSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? FollowUpSettings.Default(clock.GetUtcNow());
        return TypedResults.Ok(new FollowUpSettingsDto(s.DefaultHours, s.CategoryHours, s.UpdatedAt));
    }

    private static async Task<Results<Ok<FollowUpSettingsDto>, ProblemHttpResult>> PutSettings(FollowUpSettingsRequest request, KefuDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var result = await SaveSettingsAsync(db, clock.GetUtcNow(), request, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    public static async Task<Result<FollowUpSettingsDto>> SaveSettingsAsync(KefuDbContext db, DateTimeOffset now, FollowUpSettingsRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var ids = (request.CategoryHours ?? []).Keys.ToList();
        var known = await db.Categories.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
        foreach (var missing in ids.Except(known))
        {
            errors.Add($"categoryHours.{missing}", $"no category has the id {missing}.");
        }

        var settings = await db.FollowUpSettings.FirstOrDefaultAsync(ct);
        var isNew = settings is null;
        settings ??= FollowUpSettings.Default(now);
        var set = settings.Set(request.DefaultHours, request.CategoryHours ?? [], now);
        errors.Include(set.Error);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        if (isNew)
        {
            db.FollowUpSettings.Add(settings);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return new Conflict("The follow-up settings were created at the same time. Save again.");
        }

        return new FollowUpSettingsDto(settings.DefaultHours, settings.CategoryHours, settings.UpdatedAt);
    }
}

public static class PromiseSetup
{
    public static void AddKefuPromises(this IServiceCollection services)
    {
        services.AddJobHandler<PromiseTimerJob>(PromiseCommands.TimerKind);
        services.AddJobHandler<FollowUpJob>(PromiseCommands.FollowUpKind);
    }
}
