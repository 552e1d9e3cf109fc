using Kefu.Core.Common;
using Kefu.Core.Customers;

namespace Kefu.Core.Channels.Phone;

public enum CallDirection
{
    Inbound,
    Outbound,
}

public enum CallOutcome
{
    Answered,
    Missed,
    Voicemail,
    Busy,
    Failed,
}

public sealed record CallDetails(
    string? ExternalCallId, CallDirection? Direction, CallOutcome? Outcome, string? Number, int? DurationSeconds,
    string? RecordingUrl, string? Notes, DateTimeOffset? StartedAt, Guid? AgentId);

/// <summary>
/// A phone call, logged on a phone conversation as a message (so it sits in the customer's timeline) with its
/// structured details here: direction, number (normalised), outcome, duration, recording and notes.
/// </summary>
public sealed class CallLog
{
    public const int MaxNotes = 10_000;
    public const int MaxExternalId = 100;

    private CallLog()
    {
    }

    public Guid Id { get; private set; }

    public Guid ConversationId { get; private set; }

    public Guid MessageId { get; private set; }

    public Guid CustomerId { get; private set; }

    /// <summary>The telephony system's own call id: a repeated event for the same call logs it once.</summary>
    public string? ExternalCallId { get; private set; }

    public CallDirection Direction { get; private set; }

    public CallOutcome Outcome { get; private set; }

    public string Number { get; private set; } = "";

    public int DurationSeconds { get; private set; }

    public string? RecordingUrl { get; private set; }

    public string? Notes { get; private set; }

    public Guid? AgentId { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Validates the details and returns the normalised number.</summary>
    public static Result<string> Validate(CallDetails d)
    {
        var errors = new FieldErrors()
            .MaxLength("externalCallId", d.ExternalCallId, MaxExternalId)
            .MaxLength("notes", d.Notes, MaxNotes)
            .MaxLength("recordingUrl", d.RecordingUrl, Limits.Url);
        if (d.Direction is null)
        {
            errors.Add("direction", "is required: inbound or outbound.");
        }

        if (d.DurationSeconds is < 0 or > 7 * 24 * 3600)
        {
            errors.Add("durationSeconds", "must be between 0 and 604800 (a week).");
        }

        if (!string.IsNullOrWhiteSpace(d.RecordingUrl) && (!Uri.TryCreate(d.RecordingUrl.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add("recordingUrl", "must be an absolute http:// or https:// URL.");
        }

        var number = CustomerIdentity.Normalize(IdentityKind.Phone, null, d.Number, "");
        if (!number.IsOk)
        {
            errors.Add("number", string.IsNullOrWhiteSpace(d.Number) ? "is required: the customer's phone number." : "must be a phone number of 5 to 20 digits, optionally starting with +.");
        }

        return errors.ToError() is { } invalid ? invalid : number.Value.Value;
    }

    public static CallLog Create(Guid conversationId, Guid messageId, Guid customerId, string number, CallDetails d, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        ConversationId = conversationId,
        MessageId = messageId,
        CustomerId = customerId,
        ExternalCallId = string.IsNullOrWhiteSpace(d.ExternalCallId) ? null : d.ExternalCallId.Trim(),
        Direction = d.Direction!.Value,
        Outcome = d.Outcome ?? CallOutcome.Answered,
        Number = number,
        DurationSeconds = d.DurationSeconds ?? 0,
        RecordingUrl = string.IsNullOrWhiteSpace(d.RecordingUrl) ? null : d.RecordingUrl.Trim(),
        Notes = string.IsNullOrWhiteSpace(d.Notes) ? null : d.Notes.Trim(),
        AgentId = d.AgentId,
        StartedAt = d.StartedAt ?? now,
        CreatedAt = now,
    };

    /// <summary>The message text that stands for the call in the conversation (both languages: agents read either).</summary>
    public static string Summary(CallDirection direction, CallOutcome outcome, string number, int durationSeconds, string? notes)
    {
        var (en, zh) = direction switch
        {
            CallDirection.Inbound => ("Inbound call", "来电"),
            CallDirection.Outbound => ("Outbound call", "去电"),
        };
        var (outcomeEn, outcomeZh) = outcome switch
        {
            CallOutcome.Answered => ("answered", "已接通"),
            CallOutcome.Missed => ("missed", "未接"),
            CallOutcome.Voicemail => ("voicemail", "语音留言"),
            CallOutcome.Busy => ("busy", "占线"),
            CallOutcome.Failed => ("failed", "未接通"),
        };
        var line = $"📞 {zh} {en} · {number} · {Duration(durationSeconds)} · {outcomeZh} {outcomeEn}";
        return string.IsNullOrWhiteSpace(notes) ? line : $"{line}\n\n{notes.Trim()}";
    }

    public static string Duration(int seconds) => seconds >= 3600
        ? $"{seconds / 3600}:{seconds % 3600 / 60:00}:{seconds % 60:00}"
        : $"{seconds / 60}:{seconds % 60:00}";
}

public enum CallbackStatus
{
    Open,
    Done,
    Cancelled,
}

/// <summary>A customer asked to be called back: a promise with a due time, listed for agents until done; overdue when late.</summary>
public sealed class CallbackRequest
{
    public const int MaxNotes = 2_000;

    private CallbackRequest()
    {
    }

    public Guid Id { get; private set; }

    public Guid CustomerId { get; private set; }

    public Guid? ConversationId { get; private set; }

    public string Number { get; private set; } = "";

    public DateTimeOffset DueAt { get; private set; }

    public string? Notes { get; private set; }

    public Guid? AssigneeId { get; private set; }

    public CallbackStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    public Guid? CompletedById { get; private set; }

    public bool IsOverdue(DateTimeOffset now) => Status == CallbackStatus.Open && DueAt < now;

    public static Result<CallbackRequest> Create(Guid customerId, Guid? conversationId, string? number, DateTimeOffset? dueAt, string? notes, Guid? assigneeId, DateTimeOffset now)
    {
        var errors = new FieldErrors().MaxLength("notes", notes, MaxNotes);
        var normalized = CustomerIdentity.Normalize(IdentityKind.Phone, null, number, "");
        if (!normalized.IsOk)
        {
            errors.Add("number", string.IsNullOrWhiteSpace(number) ? "is required: the number to call back." : "must be a phone number of 5 to 20 digits, optionally starting with +.");
        }

        if (dueAt is null)
        {
            errors.Add("dueAt", "is required: when the customer should be called back.");
        }
        else if (dueAt < now - TimeSpan.FromMinutes(5))
        {
            errors.Add("dueAt", "must not be in the past.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        return new CallbackRequest
        {
            Id = Guid.CreateVersion7(now),
            CustomerId = customerId,
            ConversationId = conversationId,
            Number = normalized.Value.Value,
            DueAt = dueAt!.Value,
            Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim(),
            AssigneeId = assigneeId,
            Status = CallbackStatus.Open,
            CreatedAt = now,
        };
    }

    public Result<IReadOnlyList<FieldChange>> Close(CallbackStatus to, Guid? by, DateTimeOffset now)
    {
        if (to == CallbackStatus.Open)
        {
            return Invalid.Field("status", "must be done or cancelled.");
        }

        if (Status != CallbackStatus.Open)
        {
            return Status == to ? Array.Empty<FieldChange>() : new Conflict($"The callback is already {Status.ToString().ToLowerInvariant()}.");
        }

        var change = new FieldChange("status", Status.ToString().ToLowerInvariant(), to.ToString().ToLowerInvariant());
        Status = to;
        CompletedAt = now;
        CompletedById = by;
        return new[] { change };
    }
}
