using System.Collections.Concurrent;
using Kefu.Data;
using Kefu.Server.Jobs;

namespace Kefu.Server.Tests.Jobs;

public sealed record ProbePayload(string Key, int FailTimes, bool Permanent = false);

/// <summary>
/// A job handler for the tests of the job worker: fails the first <see cref="ProbePayload.FailTimes"/> attempts of
/// each key, then succeeds, and records every attempt and failure report per key.
/// </summary>
public sealed class ProbeJob : IJobHandler
{
    public const string Kind = "test.probe";

    public static readonly ConcurrentDictionary<string, int> Attempts = new();
    public static readonly ConcurrentDictionary<string, string> FailureReports = new();

    public Task<JobOutcome> RunAsync(Job job, CancellationToken ct)
    {
        var payload = job.PayloadAs<ProbePayload>();
        var attempt = Attempts.AddOrUpdate(payload.Key, 1, (_, n) => n + 1);
        if (attempt > payload.FailTimes)
        {
            return Task.FromResult(JobOutcome.Done);
        }

        return Task.FromResult(payload.Permanent ? JobOutcome.Fail($"permanent failure {attempt}") : JobOutcome.Retry($"failure {attempt}"));
    }

    public Task OnFailedAsync(Job job, string error, CancellationToken ct)
    {
        FailureReports.AddOrUpdate(job.PayloadAs<ProbePayload>().Key, error, (_, previous) => previous + " | " + error);
        return Task.CompletedTask;
    }
}
