using Kefu.Core.Common;

namespace Kefu.Core.Promises;

public enum PromiseStatus
{
    Open,
    Kept,
    Cancelled,
}

/// <summary>
/// A commitment an agent made to a customer ("call you back before 18:00"): a due time, a reminder some minutes
/// before it and an overdue alert after it (both durable jobs), until the agent marks it kept or cancels it.
/// </summary>
public sealed class Promise
{
    public const int MaxText = 500;
    public const int MaxRemindMinutes = 7 * 24 * 60;
    public const int DefaultRemindMinutes = 15;

    private Promise()
    {
    }

    public Guid Id { get; private set; }

    public Guid ConversationId { get; private set; }

    /// <summary>Who answers for it: the agent who made it.</summary>
    public Guid AgentId { get; private set; }

    public string Text { get; private set; } = "";

    public DateTimeOffset DueAt { get; private set; }

    public int RemindMinutes { get; private set; }

    public PromiseStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? RemindedAt { get; private set; }

    public DateTimeOffset? OverdueAt { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    public DateTimeOffset RemindAt => DueAt.AddMinutes(-RemindMinutes);

    public static Result<Promise> Create(Guid id, Guid conversationId, Guid agentId, string? text, DateTimeOffset? dueAt, int? remindMinutes, DateTimeOffset now)
    {
        var errors = new FieldErrors().Required("text", text, MaxText);
        if (dueAt is null)
        {
            errors.Add("dueAt", "is required.");
        }
        else if (dueAt <= now)
        {
            errors.Add("dueAt", "must be in the future.");
        }

        if (remindMinutes is < 0 or > MaxRemindMinutes)
        {
            errors.Add("remindMinutes", $"must be between 0 and {MaxRemindMinutes}.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        return new Promise
        {
            Id = id,
            ConversationId = conversationId,
            AgentId = agentId,
            Text = text!.Trim(),
            DueAt = dueAt!.Value,
            RemindMinutes = remindMinutes ?? DefaultRemindMinutes,
            Status = PromiseStatus.Open,
            CreatedAt = now,
        };
    }

    /// <summary>True when the reminder is to be sent now (once, while open).</summary>
    public bool Remind(DateTimeOffset now)
    {
        if (Status != PromiseStatus.Open || RemindedAt is not null || now < RemindAt)
        {
            return false;
        }

        RemindedAt = now;
        return true;
    }

    /// <summary>True when the overdue alert is to be sent now (once, while open).</summary>
    public bool Overdue(DateTimeOffset now)
    {
        if (Status != PromiseStatus.Open || OverdueAt is not null || now < DueAt)
        {
            return false;
        }

        OverdueAt = now;
        return true;
    }

    public Result<FieldChange> Close(PromiseStatus status, DateTimeOffset now)
    {
        if (status == PromiseStatus.Open)
        {
            return Invalid.Field("status", "must be kept or cancelled.");
        }

        if (Status != PromiseStatus.Open)
        {
            return new Conflict($"The promise is already {WireName.Of(Status)}.");
        }

        var change = new FieldChange("promise", WireName.Of(Status), WireName.Of(status));
        Status = status;
        ClosedAt = now;
        return change;
    }
}

public enum FollowUpStatus
{
    Scheduled,
    Done,
    Cancelled,
}

/// <summary>
/// Closing the loop: after a conversation is resolved a follow-up is due (default 48 h, per category) when the
/// assignee is asked to confirm the customer is satisfied. Reopening the conversation cancels it.
/// </summary>
public sealed class FollowUp
{
    public const int DefaultHours = 48;
    public const int MaxHours = 90 * 24;

    private FollowUp()
    {
    }

    public Guid Id { get; private set; }

    public Guid ConversationId { get; private set; }

    public Guid? AgentId { get; private set; }

    public DateTimeOffset DueAt { get; private set; }

    public FollowUpStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? NotifiedAt { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    public static FollowUp Schedule(Guid id, Guid conversationId, Guid? agentId, TimeSpan after, DateTimeOffset now) => new()
    {
        Id = id,
        ConversationId = conversationId,
        AgentId = agentId,
        DueAt = now + after,
        Status = FollowUpStatus.Scheduled,
        CreatedAt = now,
    };

    /// <summary>True when the assignee is to be told now (once, while scheduled).</summary>
    public bool Notify(DateTimeOffset now)
    {
        if (Status != FollowUpStatus.Scheduled || NotifiedAt is not null || now < DueAt)
        {
            return false;
        }

        NotifiedAt = now;
        return true;
    }

    public Result<FieldChange> Close(FollowUpStatus status, DateTimeOffset now)
    {
        if (status == FollowUpStatus.Scheduled)
        {
            return Invalid.Field("status", "must be done or cancelled.");
        }

        if (Status != FollowUpStatus.Scheduled)
        {
            return new Conflict($"The follow-up is already {WireName.Of(Status)}.");
        }

        var change = new FieldChange("followUp", WireName.Of(Status), WireName.Of(status));
        Status = status;
        ClosedAt = now;
        return change;
    }

    /// <summary>Hours until the follow-up of a conversation in this category: the category's setting, else the default.</summary>
    public static TimeSpan After(Guid? categoryId, IReadOnlyDictionary<Guid, int> categoryHours, int defaultHours) =>
        TimeSpan.FromHours(categoryId is { } c && categoryHours.TryGetValue(c, out var hours) ? hours : defaultHours);
}

/// <summary>When follow-ups are due after resolution: a default and per-category hours (one row an admin edits); 0 hours turns them off.</summary>
public sealed class FollowUpSettings
{
    public const int RowId = 1;

    private FollowUpSettings()
    {
    }

    public int Id { get; private set; } = RowId;

    public int DefaultHours { get; private set; } = FollowUp.DefaultHours;

    public Dictionary<Guid, int> CategoryHours { get; private set; } = [];

    public DateTimeOffset UpdatedAt { get; private set; }

    public static FollowUpSettings Default(DateTimeOffset now) => new() { UpdatedAt = now };

    public Result<FollowUpSettings> Set(int? defaultHours, IReadOnlyDictionary<Guid, int>? categoryHours, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (defaultHours is < 0 or > FollowUp.MaxHours)
        {
            errors.Add("defaultHours", $"must be between 0 (off) and {FollowUp.MaxHours}.");
        }

        foreach (var (category, hours) in categoryHours ?? new Dictionary<Guid, int>())
        {
            if (hours is < 0 or > FollowUp.MaxHours)
            {
                errors.Add($"categoryHours.{category}", $"must be between 0 (off) and {FollowUp.MaxHours}.");
            }
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        DefaultHours = defaultHours ?? DefaultHours;
        CategoryHours = categoryHours?.ToDictionary(c => c.Key, c => c.Value) ?? CategoryHours;
        UpdatedAt = now;
        return this;
    }

    /// <summary>Null when follow-ups are off for this category.</summary>
    public TimeSpan? After(Guid? categoryId) =>
        FollowUp.After(categoryId, CategoryHours, DefaultHours) is var after && after > TimeSpan.Zero ? after : null;
}
