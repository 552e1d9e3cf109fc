using System.Text.Json;
using Kefu.Data;

namespace Kefu.Server.Jobs;

/// <summary>What a handler decided about one attempt.</summary>
public abstract record JobOutcome
{
    public static readonly JobOutcome Done = new Succeeded();

    /// <summary>Try again after the next delay of the schedule; after the last one the job has failed for good.</summary>
    public static JobOutcome Retry(string error) => new Retrying(error);

    /// <summary>Failed for good (e.g. a permanent SMTP rejection): no more attempts.</summary>
    public static JobOutcome Fail(string error) => new Failing(error);

    public sealed record Succeeded : JobOutcome;

    public sealed record Retrying(string Error) : JobOutcome;

    public sealed record Failing(string Error) : JobOutcome;
}

/// <summary>
/// Runs the jobs of one kind (registered with <c>services.AddJobHandler&lt;T&gt;(kind)</c>). Resolved from a fresh scope
/// per attempt.
/// </summary>
public interface IJobHandler
{
    Task<JobOutcome> RunAsync(Job job, CancellationToken ct);

    /// <summary>Called once, after the last attempt failed: make the failure visible (e.g. an internal note).</summary>
    Task OnFailedAsync(Job job, string error, CancellationToken ct) => Task.CompletedTask;
}

public static class JobQueue
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Adds a job to the context: it is committed by the caller's SaveChanges, in the same transaction as the change
    /// that causes it (the outbox), and never exists without that change. With a <paramref name="dedupeKey"/>, a
    /// second job with the same key fails the save with a unique violation — treat it as "already queued".
    /// </summary>
    public static Job Enqueue<TPayload>(
        KefuDbContext db, string kind, TPayload payload, DateTimeOffset now,
        string? dedupeKey = null, Guid? conversationId = null, DateTimeOffset? runAt = null)
    {
        var job = new Job
        {
            Id = Guid.CreateVersion7(),
            Kind = kind,
            Payload = JsonSerializer.Serialize(payload, PayloadJson),
            DedupeKey = dedupeKey,
            State = JobState.Pending,
            RunAt = runAt ?? now,
            ConversationId = conversationId,
            CreatedAt = now,
        };
        db.Jobs.Add(job);
        return job;
    }

    public static T PayloadAs<T>(this Job job) =>
        JsonSerializer.Deserialize<T>(job.Payload, PayloadJson) ?? throw new InvalidOperationException($"Job {job.Id} has an empty payload.");
}
