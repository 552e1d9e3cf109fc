using Kefu.Core.Common;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Jobs;

/// <summary>
/// Runs due jobs on every node. A job is claimed atomically before it runs (on PostgreSQL with
/// <c>FOR UPDATE SKIP LOCKED</c>, so nodes never wait for each other; SQLite has a single writer), under a lease: a
/// node that dies mid-attempt leaves a job that is due again when the lease ends. Each attempt's outcome is
/// recorded; after the last retry the handler is told once, to make the failure visible.
/// </summary>
public sealed class JobWorker(
    IServiceScopeFactory scopes, IDbContextFactory<KefuDbContext> dbs, JobSignal signal, IOptions<JobOptions> options,
    TimeProvider clock, ILogger<JobWorker> log) : BackgroundService
{
    private DateTimeOffset nextCleanUp;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            int claimed;
            try
            {
                claimed = await RunDueAsync(settings, stoppingToken);
                await CleanUpAsync(settings, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Claiming background jobs failed; trying again at the next poll.");
                claimed = 0;
            }

            // A full batch means more may be due: go on at once. Otherwise sleep until poked or the next poll.
            if (claimed < settings.Concurrency)
            {
                await signal.WaitAsync(settings.PollInterval, stoppingToken);
            }
        }
    }

    private async Task<int> RunDueAsync(JobOptions settings, CancellationToken ct)
    {
        var jobs = await ClaimAsync(settings.Concurrency, settings.Lease, ct);
        await Task.WhenAll(jobs.Select(job => RunAsync(job, settings, ct)));
        return jobs.Count;
    }

    private async Task<List<Job>> ClaimAsync(int count, TimeSpan lease, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var until = now + lease;
        var pending = nameof(JobState.Pending);
        return db.IsPostgres
            ? await db.Jobs.FromSql($"""
                UPDATE "Jobs" SET "LockedUntil" = {until}, "Attempts" = "Attempts" + 1
                WHERE "Id" IN (
                    SELECT "Id" FROM "Jobs"
                    WHERE "State" = {pending} AND "RunAt" <= {now} AND ("LockedUntil" IS NULL OR "LockedUntil" <= {now})
                    ORDER BY "RunAt" LIMIT {count}
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """).AsNoTracking().ToListAsync(ct)
            : await db.Jobs.FromSql($"""
                UPDATE "Jobs" SET "LockedUntil" = {until.UtcTicks}, "Attempts" = "Attempts" + 1
                WHERE "Id" IN (
                    SELECT "Id" FROM "Jobs"
                    WHERE "State" = {pending} AND "RunAt" <= {now.UtcTicks} AND ("LockedUntil" IS NULL OR "LockedUntil" <= {now.UtcTicks})
                    ORDER BY "RunAt" LIMIT {count})
                RETURNING *
                """).AsNoTracking().ToListAsync(ct);
    }

    private async Task RunAsync(Job job, JobOptions settings, CancellationToken ct)
    {
        JobOutcome outcome;
        await using var scope = scopes.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetKeyedService<IJobHandler>(job.Kind);
        if (handler is null)
        {
            outcome = JobOutcome.Fail($"No handler for jobs of kind '{job.Kind}' on this node.");
        }
        else
        {
            try
            {
                outcome = await handler.RunAsync(job, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogWarning(e, "Job {Job} ({Kind}) attempt {Attempt} threw.", job.Id, job.Kind, job.Attempts);
                outcome = JobOutcome.Retry(e.Message);
            }
        }

        var now = clock.GetUtcNow();
        var (state, runAt, error) = outcome switch
        {
            JobOutcome.Succeeded => (JobState.Done, job.RunAt, null),
            JobOutcome.Retrying r => Backoff.NextAttempt(settings.Delays, job.Attempts, now) is { } next
                ? (JobState.Pending, next, r.Error)
                : (JobState.Failed, job.RunAt, r.Error),
            JobOutcome.Failing f => (JobState.Failed, job.RunAt, f.Error),
            _ => throw new InvalidOperationException($"Unknown job outcome {outcome}."),
        };
        error = error is { Length: > Job.ErrorLength } ? error[..Job.ErrorLength] : error;

        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
        // Only while our lease holds: if it ran out and another node took the job, that node records the outcome.
        var lease = job.LockedUntil;
        var recorded = await db.Jobs.Where(j => j.Id == job.Id && j.LockedUntil == lease).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.State, state)
            .SetProperty(j => j.RunAt, runAt)
            .SetProperty(j => j.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(j => j.LastError, error)
            .SetProperty(j => j.FinishedAt, state == JobState.Pending ? null : now), CancellationToken.None);

        if (recorded == 1 && state == JobState.Failed && handler is not null)
        {
            log.LogWarning("Job {Job} ({Kind}) failed for good after {Attempts} attempts: {Error}", job.Id, job.Kind, job.Attempts, error);
            try
            {
                await handler.OnFailedAsync(job, error ?? "", CancellationToken.None);
            }
            catch (Exception e)
            {
                log.LogError(e, "Reporting the failure of job {Job} ({Kind}) failed.", job.Id, job.Kind);
            }
        }
    }

    private async Task CleanUpAsync(JobOptions settings, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now < nextCleanUp)
        {
            return;
        }

        nextCleanUp = now + TimeSpan.FromHours(1);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var before = now - settings.KeepFinished;
        await db.Jobs.Where(j => j.State != JobState.Pending && j.FinishedAt < before).ExecuteDeleteAsync(ct);
    }
}
