using Kefu.Core.Common;
using Kefu.Core.Webhooks;
using Kefu.Data;
using Kefu.Server.Features.ApiChannel;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Webhooks;

/// <summary>A subscription as admins see it; the secret only in the answers to create and rotate-secret.</summary>
public sealed record WebhookSubscriptionDto(
    Guid Id, string Name, string Url, IReadOnlyList<string> EventTypes, bool IsActive, DateTimeOffset CreatedAt,
    string SecretHint, DateTimeOffset? PreviousSecretValidUntil, string? Secret)
{
    public static WebhookSubscriptionDto From(WebhookSubscription s, DateTimeOffset now, bool withSecret = false) => new(
        s.Id, s.Name, s.Url, s.EventTypes, s.IsActive, s.CreatedAt, IntegrationDto.Hint(s.Secret.Current),
        s.Secret.PreviousUntil > now ? s.Secret.PreviousUntil : null, withSecret ? s.Secret.Current : null);
}

public sealed record CreateWebhookRequest(string? Name, string? Url, IReadOnlyList<string>? EventTypes);

public sealed record UpdateWebhookRequest
{
    public Optional<string> Name { get; init; }

    public Optional<string> Url { get; init; }

    public Optional<IReadOnlyList<string>> EventTypes { get; init; }

    public Optional<bool> IsActive { get; init; }

    public WebhookSubscriptionSettings Over(WebhookSubscription s) => new(
        Name.HasValue ? Name.Value : s.Name, Url.HasValue ? Url.Value : s.Url,
        EventTypes.HasValue ? EventTypes.Value : s.EventTypes, IsActive.HasValue ? IsActive.Value : s.IsActive);
}

public sealed record WebhookDeliveryDto(
    Guid Id, string WebhookId, DeliveryTarget Target, Guid TargetId, string TargetName, string EventType, DeliveryStatus Status, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt, DateTimeOffset? DeliveredAt, int? LastStatusCode, string? LastError, Guid? ConversationId);

public sealed record WebhookAttemptDto(int Number, DateTimeOffset At, int? StatusCode, long DurationMs, string? Error, string? ResponseExcerpt, bool Succeeded);

public sealed record WebhookDeliveryDetail(WebhookDeliveryDto Delivery, string Payload, IReadOnlyList<WebhookAttemptDto> Attempts);

public sealed record DeliveryFilter(Guid? TargetId, DeliveryStatus? Status, string? EventType, Guid? ConversationId, int Limit = 50);

public static class WebhookCommands
{
    public static async Task<Result<WebhookSubscription>> CreateAsync(KefuDbContext db, Actor actor, DateTimeOffset now, CreateWebhookRequest r, CancellationToken ct)
    {
        var created = WebhookSubscription.Create(Guid.CreateVersion7(now), new(r.Name, r.Url, r.EventTypes), IntegrationCommands.NewSecret(), now);
        if (!created.IsOk)
        {
            return created.Error!;
        }

        db.WebhookSubscriptions.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(actor, now, "webhook", created.Value.Id, "created", new("url", null, created.Value.Url)));
        await db.SaveChangesAsync(ct);
        return created.Value;
    }

    public static async Task<Result<WebhookSubscription>> UpdateAsync(
        KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, Func<WebhookSubscription, WebhookSubscriptionSettings> settings, CancellationToken ct)
    {
        var subscription = await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
        {
            return new NotFound("Webhook", id.ToString());
        }

        var changes = subscription.Apply(settings(subscription));
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "webhook", id, changes.Value));
        await db.SaveChangesAsync(ct);
        return subscription;
    }

    public static async Task<Result<WebhookSubscription>> RotateSecretAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, bool immediately, CancellationToken ct)
    {
        var subscription = await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
        {
            return new NotFound("Webhook", id.ToString());
        }

        subscription.Secret.Rotate(IntegrationCommands.NewSecret(), now, immediately);
        db.Entry(subscription).ComplexProperty(s => s.Secret).IsModified = true;
        db.Activities.Add(ActivityEntry.Create(actor, now, "webhook", id, immediately ? "secret_replaced" : "secret_rotated"));
        await db.SaveChangesAsync(ct);
        return subscription;
    }

    public static async Task<Result<WebhookDelivery>> PingAsync(KefuDbContext db, DateTimeOffset now, Guid id, CancellationToken ct)
    {
        var subscription = await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
        {
            return new NotFound("Webhook", id.ToString());
        }

        var delivery = WebhookOutbox.Ping(db, subscription, now);
        await db.SaveChangesAsync(ct);
        return delivery;
    }

    /// <summary>Sends a delivery again (same webhook-id and body, a fresh signature) with a new set of retries.</summary>
    public static async Task<Result<WebhookDelivery>> ReplayAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, CancellationToken ct)
    {
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == id, ct);
        if (delivery is null)
        {
            return new NotFound("Webhook delivery", id.ToString());
        }

        var replayed = delivery.Replay();
        if (!replayed.IsOk)
        {
            return replayed.Error!;
        }

        WebhookJobs.Enqueue(db, delivery, now);
        db.Activities.Add(ActivityEntry.Create(actor, now, "webhook_delivery", id, "replayed"));
        await db.SaveChangesAsync(ct);
        return delivery;
    }

    public static async Task<List<WebhookDeliveryDto>> ListAsync(KefuDbContext db, DeliveryFilter filter, CancellationToken ct)
    {
        var query = db.WebhookDeliveries.AsNoTracking();
        if (filter.TargetId is { } target)
        {
            query = query.Where(d => d.TargetId == target);
        }

        if (filter.Status is { } status)
        {
            query = query.Where(d => d.Status == status);
        }

        if (!string.IsNullOrWhiteSpace(filter.EventType))
        {
            query = query.Where(d => d.EventType == filter.EventType);
        }

        if (filter.ConversationId is { } conversation)
        {
            query = query.Where(d => d.ConversationId == conversation);
        }

        var rows = await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(Math.Clamp(filter.Limit, 1, 200)).ToListAsync(ct);
        var names = await NamesAsync(db, ct);
        return rows.Select(d => ToDto(d, names)).ToList();
    }

    public static async Task<WebhookDeliveryDetail?> GetAsync(KefuDbContext db, Guid id, CancellationToken ct)
    {
        var delivery = await db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (delivery is null)
        {
            return null;
        }

        var attempts = await db.WebhookAttempts.AsNoTracking().Where(a => a.DeliveryId == id).OrderBy(a => a.Number).ThenBy(a => a.At)
            .Select(a => new WebhookAttemptDto(a.Number, a.At, a.StatusCode, a.DurationMs, a.Error, a.ResponseExcerpt, a.Succeeded)).ToListAsync(ct);
        return new WebhookDeliveryDetail(ToDto(delivery, await NamesAsync(db, ct)), delivery.Payload, attempts);
    }

    private static WebhookDeliveryDto ToDto(WebhookDelivery d, IReadOnlyDictionary<Guid, string> names) => new(
        d.Id, d.WebhookId, d.Target, d.TargetId, names.GetValueOrDefault(d.TargetId, "?"), d.EventType, d.Status, d.Attempts, d.CreatedAt,
        d.LastAttemptAt, d.DeliveredAt, d.LastStatusCode, d.LastError, d.ConversationId);

    private static async Task<Dictionary<Guid, string>> NamesAsync(KefuDbContext db, CancellationToken ct)
    {
        var names = await db.Integrations.AsNoTracking().Select(i => new { i.Id, i.Name }).ToDictionaryAsync(i => i.Id, i => i.Name, ct);
        foreach (var s in await db.WebhookSubscriptions.AsNoTracking().Select(s => new { s.Id, s.Name }).ToListAsync(ct))
        {
            names[s.Id] = s.Name;
        }

        return names;
    }
}
