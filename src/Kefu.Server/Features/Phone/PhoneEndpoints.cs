using System.Security.Claims;
using Kefu.Core.Channels.Phone;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Infrastructure;
using Kefu.Server.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Phone;

/// <summary>
/// Phone: call logs and callback requests for agents, and the CTI webhook for telephony systems (an API token with
/// conversations:write posts calls; conversations:read looks up a caller).
/// </summary>
public static class PhoneEndpoints
{
    public static void MapPhoneEndpoints(this IEndpointRouteBuilder app)
    {
        var calls = app.MapGroup("/api/v1/calls").WithTags("Phone");
        calls.MapPost("", LogCall).RequireAuthorization(Policies.ConversationsWrite)
            .WithSummary("Log a call (agents, or a telephony system's CTI webhook): a message on the caller's open phone conversation, with its details. Idempotent by externalCallId.");
        calls.MapGet("", ListCalls).RequireAuthorization(Policies.ConversationsRead)
            .WithSummary("Call logs of a conversation or a number, newest first.");

        app.MapGet("/api/v1/cti/lookup", Lookup).RequireAuthorization(Policies.ConversationsRead).WithTags("Phone")
            .WithSummary("Screen pop for an incoming call: the customer with this phone number, their open conversations and open callbacks.");

        var callbacks = app.MapGroup("/api/v1/callbacks").WithTags("Phone");
        callbacks.MapGet("", ListCallbacks).RequireAuthorization(Policies.ConversationsRead)
            .WithSummary("Callback requests, soonest due first (open ones unless status is given); overdue ones are flagged.");
        callbacks.MapPost("", RequestCallback).RequireAuthorization(Policies.ConversationsWrite)
            .WithSummary("Promise to call a customer back by a due time.");
        callbacks.MapPost("/{id:guid}/done", (Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
                CloseAsync(db, user, clock, id, CallbackStatus.Done, ct))
            .RequireAuthorization(Policies.ConversationsWrite).WithSummary("Mark a callback done.");
        callbacks.MapPost("/{id:guid}/cancel", (Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
                CloseAsync(db, user, clock, id, CallbackStatus.Cancelled, ct))
            .RequireAuthorization(Policies.ConversationsWrite).WithSummary("Cancel a callback.");
    }

    private static async Task<Results<Created<LoggedCall>, Ok<LoggedCall>, ProblemHttpResult>> LogCall(
        LogCallRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, RealtimePublisher realtime, CancellationToken ct)
    {
        var result = await PhoneCommands.LogCallAsync(db, user.ToActor(), clock.GetUtcNow(), request, ct);
        if (!result.IsOk)
        {
            return Problems.From(result.Error!);
        }

        var logged = result.Value;
        if (logged.Created)
        {
            await realtime.MessageCreatedAsync(logged.Conversation, logged.Message);
            return TypedResults.Created($"/api/v1/conversations/{logged.Conversation.Id}", logged);
        }

        return TypedResults.Ok(logged);
    }

    private static async Task<Results<Ok<List<CallLogDto>>, ProblemHttpResult>> ListCalls(Guid? conversationId, string? number, KefuDbContext db, CancellationToken ct)
    {
        var query = db.CallLogs.AsNoTracking();
        if (conversationId is { } id)
        {
            query = query.Where(c => c.ConversationId == id);
        }
        else if (Kefu.Core.Customers.CustomerIdentity.Normalize(Kefu.Core.Customers.IdentityKind.Phone, null, number) is { IsOk: true } key)
        {
            var phone = key.Value.Value;
            query = query.Where(c => c.Number == phone);
        }
        else
        {
            return Problems.From(Invalid.Field("conversationId", "give conversationId or a phone number (number)."));
        }

        var rows = await query.OrderByDescending(c => c.StartedAt).Take(200).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(CallLogDto.From).ToList());
    }

    private static async Task<Results<Ok<CallerLookup>, ProblemHttpResult>> Lookup(string? number, KefuDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var result = await PhoneCommands.LookupAsync(db, clock.GetUtcNow(), number, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<List<CallbackDto>>, ProblemHttpResult>> ListCallbacks(string? status, KefuDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var wanted = Wire.Enum<CallbackStatus>(status, "status", errors);
        return errors.ToError() is { } invalid
            ? Problems.From(invalid)
            : TypedResults.Ok(await PhoneCommands.ListAsync(db, clock.GetUtcNow(), wanted, null, ct));
    }

    private static async Task<Results<Created<CallbackDto>, ProblemHttpResult>> RequestCallback(
        CreateCallbackRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await PhoneCommands.RequestCallbackAsync(db, user.ToActor(), clock.GetUtcNow(), request, ct);
        return result.IsOk ? TypedResults.Created($"/api/v1/callbacks/{result.Value.Id}", result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<CallbackDto>, ProblemHttpResult>> CloseAsync(
        KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, Guid id, CallbackStatus to, CancellationToken ct)
    {
        var result = await PhoneCommands.CloseCallbackAsync(db, user.ToActor(), clock.GetUtcNow(), id, to, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }
}
