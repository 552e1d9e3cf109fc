using Kefu.Core.Common;

namespace Kefu.Core.Webhooks;

/// <summary>Who a delivery goes to: an API-channel integration's callback URL, or an event-webhook subscription.</summary>
public enum DeliveryTarget
{
    Integration,
    Subscription,
}

public enum DeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>
/// One signed POST to make, written in the same transaction as the change it reports (the outbox). Its id is the
/// webhook-id the receiver sees: the same on every retry and replay, so receivers can drop duplicates.
/// </summary>
public sealed class WebhookDelivery
{
    public const int MaxError = 1_000;

    private WebhookDelivery()
    {
    }

    public Guid Id { get; private set; }

    public DeliveryTarget Target { get; private set; }

    public Guid TargetId { get; private set; }

    public string EventType { get; private set; } = "";

    /// <summary>The exact JSON body that is signed and sent.</summary>
    public string Payload { get; private set; } = "";

    public Guid? ConversationId { get; private set; }

    public DeliveryStatus Status { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? LastAttemptAt { get; private set; }

    public DateTimeOffset? DeliveredAt { get; private set; }

    public int? LastStatusCode { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>The webhook-id header: "msg_" and the delivery id.</summary>
    public string WebhookId => MessageId(Id);

    public static string MessageId(Guid id) => $"msg_{id:N}";

    public static WebhookDelivery Create(DeliveryTarget target, Guid targetId, string eventType, string payload, Guid? conversationId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Target = target,
        TargetId = targetId,
        EventType = eventType,
        Payload = payload,
        ConversationId = conversationId,
        Status = DeliveryStatus.Pending,
        CreatedAt = now,
    };

    /// <summary>Records one attempt; returns the attempt row to store with it.</summary>
    public WebhookAttempt Record(DateTimeOffset at, int? statusCode, long durationMs, string? error, string? responseExcerpt)
    {
        Attempts++;
        LastAttemptAt = at;
        LastStatusCode = statusCode;
        var ok = error is null && statusCode is >= 200 and < 300;
        LastError = ok ? null : Cut(error ?? $"HTTP {statusCode}", MaxError);
        if (ok)
        {
            Status = DeliveryStatus.Delivered;
            DeliveredAt = at;
        }

        return WebhookAttempt.Create(Id, Attempts, at, statusCode, durationMs, LastError, responseExcerpt, ok);
    }

    /// <summary>No further automatic attempts.</summary>
    public void GiveUp(string reason)
    {
        if (Status == DeliveryStatus.Pending)
        {
            Status = DeliveryStatus.Failed;
            LastError = Cut(reason, MaxError);
        }
    }

    /// <summary>An admin sends it again (same id and body, a fresh signature): it is pending until that attempt ends.</summary>
    public Result<WebhookDelivery> Replay()
    {
        if (Status == DeliveryStatus.Pending && Attempts == 0)
        {
            return new Conflict("This delivery has not been attempted yet; it is still queued.");
        }

        Status = DeliveryStatus.Pending;
        return this;
    }

    public static string? Cut(string? text, int max) =>
        text is null ? null : text.Length <= max ? text : text[..(char.IsHighSurrogate(text[max - 1]) ? max - 1 : max)] + "…";
}

/// <summary>One HTTP attempt of a delivery: what the receiver answered and how long it took.</summary>
public sealed class WebhookAttempt
{
    public const int MaxExcerpt = 500;

    private WebhookAttempt()
    {
    }

    public Guid Id { get; private set; }

    public Guid DeliveryId { get; private set; }

    public int Number { get; private set; }

    public DateTimeOffset At { get; private set; }

    public int? StatusCode { get; private set; }

    public long DurationMs { get; private set; }

    public string? Error { get; private set; }

    public string? ResponseExcerpt { get; private set; }

    public bool Succeeded { get; private set; }

    internal static WebhookAttempt Create(Guid deliveryId, int number, DateTimeOffset at, int? statusCode, long durationMs, string? error, string? excerpt, bool ok) => new()
    {
        Id = Guid.CreateVersion7(at),
        DeliveryId = deliveryId,
        Number = number,
        At = at,
        StatusCode = statusCode,
        DurationMs = durationMs,
        Error = error,
        ResponseExcerpt = WebhookDelivery.Cut(excerpt, MaxExcerpt),
        Succeeded = ok,
    };
}
