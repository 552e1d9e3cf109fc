namespace Kefu.Data;

public enum JobState
{
    Pending,
    Done,
    Failed,
}

/// <summary>
/// A durable piece of background work (outbound e-mail, webhook delivery, …). Written in the same transaction as the
/// change that causes it (an outbox), so it exists exactly when the change does; a worker on any node claims it
/// (<see cref="LockedUntil"/> is a lease), runs it, and records each attempt until it is done or has failed for good.
/// </summary>
public sealed class Job
{
    public const int KindLength = 50;
    public const int DedupeKeyLength = 200;
    public const int ErrorLength = 2_000;

    public Guid Id { get; set; }

    /// <summary>Names the handler that runs it, e.g. "email.send".</summary>
    public string Kind { get; set; } = "";

    /// <summary>The handler's input as JSON.</summary>
    public string Payload { get; set; } = "{}";

    /// <summary>Unique when set: enqueueing the same work twice (a retried request) makes one job.</summary>
    public string? DedupeKey { get; set; }

    public JobState State { get; set; }

    /// <summary>Attempts started so far (claims), including one that may be running now.</summary>
    public int Attempts { get; set; }

    /// <summary>When it is due: first at enqueue time (or later if scheduled), then at each retry.</summary>
    public DateTimeOffset RunAt { get; set; }

    /// <summary>A claim's lease: until then no other worker takes it; after it a crashed worker's job is due again.</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public string? LastError { get; set; }

    /// <summary>The conversation the work belongs to, if any (a final failure is shown there).</summary>
    public Guid? ConversationId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}
