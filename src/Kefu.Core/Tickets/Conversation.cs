using Kefu.Core.Common;
using Kefu.Core.Sla;

namespace Kefu.Core.Tickets;

/// <summary>A partial update of a conversation; absent fields stay as they are.</summary>
public sealed record ConversationPatch(
    Optional<string> Subject = default,
    Optional<ConversationStatus> Status = default,
    Optional<Priority> Priority = default,
    Optional<Guid?> CategoryId = default,
    Optional<IReadOnlyList<string>> Tags = default,
    Optional<Guid?> AssigneeId = default,
    Optional<Guid?> TeamId = default);

/// <summary>The ticket: one customer's inquiry on one channel, with a unique human-readable number.</summary>
public sealed class Conversation
{
    public const long FirstNumber = 10001;

    private Conversation()
    {
    }

    public Guid Id { get; private set; }

    public long Number { get; private set; }

    public Channel Channel { get; private set; }

    public string Subject { get; private set; } = "";

    public ConversationStatus Status { get; private set; }

    public Priority Priority { get; private set; }

    public Guid? CategoryId { get; private set; }

    public List<string> Tags { get; private set; } = [];

    public Guid CustomerId { get; private set; }

    public Guid? AssigneeId { get; private set; }

    public Guid? TeamId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset LastMessageAt { get; private set; }

    public DateTimeOffset? FirstResponseAt { get; private set; }

    public DateTimeOffset? ResolvedAt { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    public Guid? MergedIntoId { get; private set; }

    public int MessageCount { get; private set; }

    /// <summary>When the conversation entered its current status (time-based automation: "pending for 72 hours").</summary>
    public DateTimeOffset StatusChangedAt { get; private set; }

    /// <summary>When the customer's oldest unanswered message arrived; null when an agent replied last (or it is resolved).</summary>
    public DateTimeOffset? AwaitingReplySince { get; private set; }

    public Guid? SlaPolicyId { get; private set; }

    public DateTimeOffset? FirstResponseDueAt { get; private set; }

    public DateTimeOffset? NextResponseDueAt { get; private set; }

    public DateTimeOffset? ResolutionDueAt { get; private set; }

    /// <summary>The next instant the SLA worker has something to do for this conversation (indexed).</summary>
    public DateTimeOffset? NextSlaDueAt { get; private set; }

    public DateTimeOffset? SlaPausedSince { get; private set; }

    public long SlaPausedSeconds { get; private set; }

    public int NextResponseCycle { get; private set; }

    public DateTimeOffset? NextResponseStartedAt { get; private set; }

    public long NextResponsePausedBase { get; private set; }

    public int FirstResponseSlaStage { get; private set; }

    public int NextResponseSlaStage { get; private set; }

    public int ResolutionSlaStage { get; private set; }

    public SlaState Sla => new(
        SlaPolicyId, FirstResponseDueAt, NextResponseDueAt, ResolutionDueAt, NextSlaDueAt, SlaPausedSince, SlaPausedSeconds,
        NextResponseCycle, NextResponseStartedAt, NextResponsePausedBase, FirstResponseSlaStage, NextResponseSlaStage, ResolutionSlaStage);

    /// <summary>Stores the SLA bookkeeping computed by <see cref="SlaClock"/>; not a change of the conversation itself.</summary>
    public void SetSla(SlaState sla)
    {
        SlaPolicyId = sla.PolicyId;
        FirstResponseDueAt = sla.FirstResponseDueAt;
        NextResponseDueAt = sla.NextResponseDueAt;
        ResolutionDueAt = sla.ResolutionDueAt;
        NextSlaDueAt = sla.NextSlaDueAt;
        SlaPausedSince = sla.PausedSince;
        SlaPausedSeconds = sla.PausedSeconds;
        NextResponseCycle = sla.NextResponseCycle;
        NextResponseStartedAt = sla.NextResponseStartedAt;
        NextResponsePausedBase = sla.NextResponsePausedBase;
        FirstResponseSlaStage = sla.FirstResponseStage;
        NextResponseSlaStage = sla.NextResponseStage;
        ResolutionSlaStage = sla.ResolutionStage;
    }

    /// <summary>Optimistic concurrency token: bumped on every change, so a concurrent update is detected, not lost.</summary>
    public int Version { get; private set; }

    public static string Display(long number) => $"#{number}";

    public static Result<Conversation> Open(
        Guid id, long number, Channel channel, string? subject, Guid customerId, Priority priority,
        Guid? categoryId, IReadOnlyList<string>? tags, Guid? assigneeId, Guid? teamId, DateTimeOffset now)
    {
        var errors = new FieldErrors().MaxLength("subject", subject, Limits.Subject).Tags("tags", tags);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        return new Conversation
        {
            Id = id,
            Number = number,
            Channel = channel,
            Subject = subject?.Trim() ?? "",
            Status = ConversationStatus.New,
            Priority = priority,
            CategoryId = categoryId,
            Tags = Common.Tags.Normalize(tags ?? []),
            CustomerId = customerId,
            AssigneeId = assigneeId,
            TeamId = teamId,
            CreatedAt = now,
            UpdatedAt = now,
            LastMessageAt = now,
            StatusChangedAt = now,
            Version = 1,
        };
    }

    /// <summary>A subject for a conversation that was opened without one: the start of its first message.</summary>
    public static string SubjectFrom(string text)
    {
        var line = text.Trim().Split('\n', 2)[0].Trim();
        // Never cut between the halves of a surrogate pair (an emoji): the lone half is not valid UTF-8.
        return line.Length <= 80 ? line : line[..(char.IsHighSurrogate(line[79]) ? 79 : 80)] + "…";
    }

    public Result<IReadOnlyList<FieldChange>> Apply(ConversationPatch patch, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (patch.Subject.HasValue)
        {
            errors.Required("subject", patch.Subject.Value, Limits.Subject);
        }

        if (patch.Tags.HasValue)
        {
            if (patch.Tags.Value is null)
            {
                errors.Add("tags", "must be a list (use [] to remove all tags).");
            }
            else
            {
                errors.Tags("tags", patch.Tags.Value);
            }
        }

        if (patch.Status.HasValue && patch.Status.Value != Status && !StatusTransitions.IsAllowed(Status, patch.Status.Value))
        {
            errors.Add("status", $"cannot change from {Status.Wire()} to {patch.Status.Value.Wire()}; allowed: {string.Join(", ", StatusTransitions.From(Status).Select(s => s.Wire()))}.");
        }

        if (MergedIntoId is not null)
        {
            return new Conflict($"Conversation {Display(Number)} was merged and can no longer be changed.");
        }

        if (Status == ConversationStatus.Closed && Differs(patch))
        {
            return new Conflict($"Conversation {Display(Number)} is closed and can no longer be changed; when the customer writes again, a new conversation starts.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        if (patch.Subject.HasValue && patch.Subject.Value!.Trim() != Subject)
        {
            changes.Add(new("subject", Subject, patch.Subject.Value.Trim()));
            Subject = patch.Subject.Value.Trim();
        }

        if (patch.Status.HasValue && patch.Status.Value != Status)
        {
            changes.Add(SetStatus(patch.Status.Value, now));
        }

        if (patch.Priority.HasValue && patch.Priority.Value != Priority)
        {
            changes.Add(new("priority", Priority.ToString().ToLowerInvariant(), patch.Priority.Value.ToString().ToLowerInvariant()));
            Priority = patch.Priority.Value;
        }

        if (patch.CategoryId.HasValue && patch.CategoryId.Value != CategoryId)
        {
            changes.Add(new("categoryId", CategoryId?.ToString(), patch.CategoryId.Value?.ToString()));
            CategoryId = patch.CategoryId.Value;
        }

        if (patch.Tags.HasValue)
        {
            var tags = Common.Tags.Normalize(patch.Tags.Value!);
            if (!tags.SequenceEqual(Tags))
            {
                changes.Add(new("tags", Common.Tags.Format(Tags), Common.Tags.Format(tags)));
                Tags = tags;
            }
        }

        if (patch.AssigneeId.HasValue && patch.AssigneeId.Value != AssigneeId)
        {
            changes.Add(new("assigneeId", AssigneeId?.ToString(), patch.AssigneeId.Value?.ToString()));
            AssigneeId = patch.AssigneeId.Value;
        }

        if (patch.TeamId.HasValue && patch.TeamId.Value != TeamId)
        {
            changes.Add(new("teamId", TeamId?.ToString(), patch.TeamId.Value?.ToString()));
            TeamId = patch.TeamId.Value;
        }

        Touch(changes, now);
        return changes;
    }

    /// <summary>
    /// Records a new message: customer messages reopen waiting conversations, the first agent reply is the
    /// first response and opens a new conversation. Returns the status change, if any.
    /// </summary>
    public Result<IReadOnlyList<FieldChange>> RecordMessage(Message message, DateTimeOffset now)
    {
        if (MergedIntoId is not null)
        {
            return new Conflict($"Conversation {Display(Number)} was merged into another conversation; write there instead.");
        }

        if (Status == ConversationStatus.Closed && message.Kind != MessageKind.Note)
        {
            return new Conflict($"Conversation {Display(Number)} is closed; start a new conversation instead.");
        }

        var changes = new List<FieldChange>();
        var next = message.Kind switch
        {
            MessageKind.Inbound => StatusTransitions.AfterCustomerMessage(Status),
            MessageKind.Outbound when message.AuthorKind == AuthorKind.Agent => StatusTransitions.AfterAgentReply(Status),
            MessageKind.Outbound or MessageKind.Note => Status,
        };
        if (next != Status)
        {
            changes.Add(SetStatus(next, now));
        }

        if (message.Kind == MessageKind.Inbound)
        {
            AwaitingReplySince ??= now;
        }
        else if (message.Kind == MessageKind.Outbound && message.AuthorKind == AuthorKind.Agent)
        {
            AwaitingReplySince = null;
        }

        if (message.Kind == MessageKind.Outbound && message.AuthorKind == AuthorKind.Agent && FirstResponseAt is null)
        {
            FirstResponseAt = now;
            changes.Add(new("firstResponseAt", null, now.ToString("O")));
        }

        if (message.Kind != MessageKind.Note)
        {
            LastMessageAt = now;
        }

        MessageCount++;
        UpdatedAt = now;
        Version++;
        return changes;
    }

    /// <summary>Closes this conversation into <paramref name="target"/>; the caller moves the messages.</summary>
    public Result<IReadOnlyList<FieldChange>> MergeInto(Conversation target, DateTimeOffset now)
    {
        if (target.Id == Id)
        {
            return Invalid.Field("targetId", "must be a different conversation.");
        }

        if (MergedIntoId is not null)
        {
            return new Conflict($"Conversation {Display(Number)} was already merged.");
        }

        if (target.MergedIntoId is not null)
        {
            return new Conflict($"Conversation {Display(target.Number)} was itself merged; merge into {target.MergedIntoId} instead.");
        }

        if (target.Status == ConversationStatus.Closed)
        {
            return new Conflict($"Conversation {Display(target.Number)} is closed and cannot receive a merge.");
        }

        var changes = new List<FieldChange> { new("mergedInto", null, Display(target.Number)) };
        if (Status != ConversationStatus.Closed)
        {
            changes.Add(new("status", Status.Wire(), ConversationStatus.Closed.Wire()));
            Status = ConversationStatus.Closed;
            ClosedAt = now;
            AwaitingReplySince = null;
        }

        MergedIntoId = target.Id;
        var moved = MessageCount;
        MessageCount = 0;
        Touch(changes, now);

        var targetTags = Common.Tags.Normalize(target.Tags.Concat(Tags));
        target.Tags = targetTags;
        target.MessageCount += moved;
        target.LastMessageAt = LastMessageAt > target.LastMessageAt ? LastMessageAt : target.LastMessageAt;
        target.FirstResponseAt = Min(target.FirstResponseAt, FirstResponseAt);
        target.UpdatedAt = now;
        target.Version++;
        return changes;
    }

    private bool Differs(ConversationPatch patch) =>
        (patch.Subject.HasValue && patch.Subject.Value?.Trim() != Subject)
        || (patch.Status.HasValue && patch.Status.Value != Status)
        || (patch.Priority.HasValue && patch.Priority.Value != Priority)
        || (patch.CategoryId.HasValue && patch.CategoryId.Value != CategoryId)
        || (patch.Tags.HasValue && !Common.Tags.Normalize(patch.Tags.Value ?? []).SequenceEqual(Tags))
        || (patch.AssigneeId.HasValue && patch.AssigneeId.Value != AssigneeId)
        || (patch.TeamId.HasValue && patch.TeamId.Value != TeamId);

    private FieldChange SetStatus(ConversationStatus to, DateTimeOffset now)
    {
        var change = new FieldChange("status", Status.Wire(), to.Wire());
        ResolvedAt = to switch
        {
            ConversationStatus.Resolved => now,
            ConversationStatus.Closed => ResolvedAt ?? now,
            ConversationStatus.New or ConversationStatus.Open or ConversationStatus.Pending or ConversationStatus.OnHold => null,
        };
        ClosedAt = to == ConversationStatus.Closed ? now : null;
        if (to is ConversationStatus.Resolved or ConversationStatus.Closed)
        {
            AwaitingReplySince = null;
        }

        Status = to;
        StatusChangedAt = now;
        return change;
    }

    private void Touch(List<FieldChange> changes, DateTimeOffset now)
    {
        if (changes.Count > 0)
        {
            UpdatedAt = now;
            Version++;
        }
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;
}
