using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kefu.Core.Common;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Conversations;

namespace Kefu.Server.Features.Webhooks;

/// <summary>Who caused an event; automation can ignore events its own actor caused.</summary>
public sealed record EventActor(ActorKind Kind, Guid? Id, string Name)
{
    public static EventActor From(Actor actor) => new(actor.Kind, actor.Id, actor.Name);
}

/// <summary>The Standard Webhooks envelope: type, timestamp and the event's data.</summary>
public sealed record WebhookEnvelope<T>(string Type, DateTimeOffset Timestamp, T Data);

/// <summary>conversation.created / conversation.updated / conversation.resolved.</summary>
public sealed record ConversationEvent(ConversationDto Conversation, IReadOnlyList<FieldChange>? Changes, EventActor Actor);

/// <summary>message.created.</summary>
public sealed record MessageEvent(ConversationDto Conversation, MessageDto Message, EventActor Actor);

/// <summary>sla.breached: a due time of the conversation passed (first_response, next_response or resolution).</summary>
public sealed record SlaBreachEvent(ConversationDto Conversation, string Metric, DateTimeOffset DueAt, DateTimeOffset BreachedAt);

/// <summary>compensation.requested / compensation.decided: delegated authority, for finance or ERP systems.</summary>
public sealed record CompensationEvent(
    Guid Id, Guid ConversationId, long ConversationNumber, string Kind, long Amount, string Currency, string Reason, string Status,
    string RequestedBy, string? DecidedBy, string? DecisionNote, DateTimeOffset At);

/// <summary>webhook.ping: the "send test event" button.</summary>
public sealed record PingEvent(string Message);

/// <summary>What an API-channel integration receives for an agent's reply: enough to send it to its contact.</summary>
public sealed record ApiReply(
    Guid IntegrationId, string ContactId, Guid ConversationId, long ConversationNumber, ApiReplyMessage Message);

public sealed record ApiReplyMessage(
    Guid Id, string Text, string? Html, IReadOnlyList<Attachment> Attachments, AuthorKind AuthorKind, string AuthorName, DateTimeOffset CreatedAt);

public static class WebhookPayloads
{
    /// <summary>The API's wire format, with readable Chinese (no \u escapes) and nulls left out.</summary>
    public static readonly JsonSerializerOptions Options = Create();

    public static string Serialize<T>(string type, DateTimeOffset now, T data) =>
        JsonSerializer.Serialize(new WebhookEnvelope<T>(type, now, data), Options);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        Infrastructure.Json.Configure(options);
        return options;
    }
}
