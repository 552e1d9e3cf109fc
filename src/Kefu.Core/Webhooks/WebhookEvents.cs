namespace Kefu.Core.Webhooks;

/// <summary>The event types a webhook subscription can ask for (the payload's "type").</summary>
public static class WebhookEvents
{
    public const string ConversationCreated = "conversation.created";
    public const string ConversationUpdated = "conversation.updated";
    public const string ConversationResolved = "conversation.resolved";
    public const string MessageCreated = "message.created";

    /// <summary>Defined now for the SLA engine to emit: a first-response/next-response/resolution due time passed.</summary>
    public const string SlaBreached = "sla.breached";

    /// <summary>A compensation or refund was requested (approved at once within the requester's limit, else pending).</summary>
    public const string CompensationRequested = "compensation.requested";

    /// <summary>A supervisor approved or rejected a pending compensation or refund.</summary>
    public const string CompensationDecided = "compensation.decided";

    /// <summary>Sent by the "test" button of a subscription, never by a change.</summary>
    public const string Ping = "webhook.ping";

    public static readonly IReadOnlyList<string> All =
        [ConversationCreated, ConversationUpdated, ConversationResolved, MessageCreated, SlaBreached, CompensationRequested, CompensationDecided];

    public static bool IsKnown(string type) => All.Contains(type) || type == Ping;
}
