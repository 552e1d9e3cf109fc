using System.Security.Claims;
using Kefu.Core.Common;
using Kefu.Core.Webhooks;
using Kefu.Data;
using Kefu.Server.Features.ApiChannel;
using Kefu.Server.Features.Auth;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Webhooks;

/// <summary>Admins subscribe URLs to events and watch (and replay) every delivery, to subscriptions and API channels alike.</summary>
public static class WebhookEndpoints
{
    public static void MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/api/v1/webhooks").WithTags("Webhooks").RequireAuthorization(Policies.Admin);
        hooks.MapGet("", List).WithSummary("List the event-webhook subscriptions (admins); secrets are not shown.");
        hooks.MapGet("/event-types", () => TypedResults.Ok(WebhookEvents.All)).WithSummary("The event types a subscription can choose.");
        hooks.MapPost("", Create).WithSummary("Subscribe a URL to event types (admins); the answer holds the whsec_ signing secret, shown this once.");
        hooks.MapGet("/{id:guid}", Get).WithSummary("Get a subscription (admins).");
        hooks.MapPatch("/{id:guid}", Update).WithSummary("Change a subscription's name, URL, event types or active flag (admins).");
        hooks.MapPost("/{id:guid}/rotate-secret", Rotate)
            .WithSummary("Make a new signing secret (shown this once); for 24 hours deliveries carry signatures with both, unless immediately is true.");
        hooks.MapPost("/{id:guid}/test", Ping).WithSummary("Queue a webhook.ping delivery to the subscription's URL (admins).");
        hooks.MapDelete("/{id:guid}", Deactivate).WithSummary("Deactivate a subscription: no new deliveries; the log stays.");

        var deliveries = app.MapGroup("/api/v1/webhook-deliveries").WithTags("Webhooks").RequireAuthorization(Policies.Admin);
        deliveries.MapGet("", Deliveries).WithSummary("The newest deliveries (admins): to subscriptions and API-channel callbacks, by target, status, event type or conversation.");
        deliveries.MapGet("/{id:guid}", Delivery).WithSummary("One delivery with its body and every attempt (status code, duration, error, response excerpt).");
        deliveries.MapPost("/{id:guid}/replay", Replay).WithSummary("Send a delivery again now (same webhook-id and body, new signature), with a fresh set of retries.");
    }

    private static async Task<Ok<List<WebhookSubscriptionDto>>> List(KefuDbContext db, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok((await db.WebhookSubscriptions.AsNoTracking().OrderBy(s => s.CreatedAt).ToListAsync(ct))
            .Select(s => WebhookSubscriptionDto.From(s, clock.GetUtcNow())).ToList());

    private static async Task<Results<Ok<WebhookSubscriptionDto>, ProblemHttpResult>> Get(Guid id, KefuDbContext db, TimeProvider clock, CancellationToken ct) =>
        await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is { } s
            ? TypedResults.Ok(WebhookSubscriptionDto.From(s, clock.GetUtcNow()))
            : Problems.From(new NotFound("Webhook", id.ToString()));

    private static async Task<Results<Created<WebhookSubscriptionDto>, ProblemHttpResult>> Create(
        CreateWebhookRequest r, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var created = await WebhookCommands.CreateAsync(db, user.ToActor(), clock.GetUtcNow(), r, ct);
        return created.IsOk
            ? TypedResults.Created($"/api/v1/webhooks/{created.Value.Id}", WebhookSubscriptionDto.From(created.Value, clock.GetUtcNow(), withSecret: true))
            : Problems.From(created.Error!);
    }

    private static async Task<Results<Ok<WebhookSubscriptionDto>, ProblemHttpResult>> Update(
        Guid id, UpdateWebhookRequest r, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await WebhookCommands.UpdateAsync(db, user.ToActor(), clock.GetUtcNow(), id, r.Over, ct);
        return result.IsOk ? TypedResults.Ok(WebhookSubscriptionDto.From(result.Value, clock.GetUtcNow())) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<WebhookSubscriptionDto>, ProblemHttpResult>> Rotate(
        Guid id, RotateSecretRequest? r, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await WebhookCommands.RotateSecretAsync(db, user.ToActor(), clock.GetUtcNow(), id, r?.Immediately ?? false, ct);
        return result.IsOk ? TypedResults.Ok(WebhookSubscriptionDto.From(result.Value, clock.GetUtcNow(), withSecret: true)) : Problems.From(result.Error!);
    }

    private static async Task<Results<Accepted<WebhookDeliveryDetail>, ProblemHttpResult>> Ping(Guid id, KefuDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var result = await WebhookCommands.PingAsync(db, clock.GetUtcNow(), id, ct);
        return result.IsOk
            ? TypedResults.Accepted($"/api/v1/webhook-deliveries/{result.Value.Id}", await WebhookCommands.GetAsync(db, result.Value.Id, ct))
            : Problems.From(result.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Deactivate(Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await WebhookCommands.UpdateAsync(db, user.ToActor(), clock.GetUtcNow(), id, new UpdateWebhookRequest { IsActive = false }.Over, ct);
        return result.IsOk ? TypedResults.NoContent() : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<List<WebhookDeliveryDto>>, ProblemHttpResult>> Deliveries(
        KefuDbContext db, Guid? targetId, string? status, string? eventType, Guid? conversationId, int? limit, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var wanted = Wire.Enum<DeliveryStatus>(status, "status", errors);
        if (limit is < 1 or > 200)
        {
            errors.Add("limit", "must be between 1 and 200.");
        }

        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        return TypedResults.Ok(await WebhookCommands.ListAsync(db, new DeliveryFilter(targetId, wanted, eventType, conversationId, limit ?? 50), ct));
    }

    private static async Task<Results<Ok<WebhookDeliveryDetail>, ProblemHttpResult>> Delivery(Guid id, KefuDbContext db, CancellationToken ct) =>
        await WebhookCommands.GetAsync(db, id, ct) is { } detail ? TypedResults.Ok(detail) : Problems.From(new NotFound("Webhook delivery", id.ToString()));

    private static async Task<Results<Accepted<WebhookDeliveryDetail>, ProblemHttpResult>> Replay(
        Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await WebhookCommands.ReplayAsync(db, user.ToActor(), clock.GetUtcNow(), id, ct);
        return result.IsOk
            ? TypedResults.Accepted($"/api/v1/webhook-deliveries/{id}", await WebhookCommands.GetAsync(db, id, ct))
            : Problems.From(result.Error!);
    }
}
