using System.ComponentModel.DataAnnotations;
using Kefu.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Kefu.Server.Jobs;

/// <summary>Section "Jobs": how the background job worker polls, leases and retries.</summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>How often a node looks for due jobs it was not told about (jobs queued on other nodes, retries).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed job is reserved; a job whose worker died is due again after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts run at the same time on one node.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 8;

    /// <summary>Waits after the 1st, 2nd, … failure; a job has failed for good after Length + 1 attempts.</summary>
    public TimeSpan[]? RetryDelays { get; set; }

    public static readonly TimeSpan[] DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10),
    ];

    // Configuration binding appends to a list it finds, so the default lives apart from the bound value.
    public IReadOnlyList<TimeSpan> Delays => RetryDelays ?? DefaultRetryDelays;

    /// <summary>Finished jobs are deleted after this long (each feature keeps its own history, e.g. a delivery log).</summary>
    public TimeSpan KeepFinished { get; set; } = TimeSpan.FromDays(7);
}

public static class JobsSetup
{
    public static void AddKefuJobs(this IServiceCollection services)
    {
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<JobSignal>();
        services.AddHostedService<JobWorker>();
    }

    /// <summary>Registers the handler of the jobs queued with this <paramref name="kind"/>.</summary>
    public static IServiceCollection AddJobHandler<T>(this IServiceCollection services, string kind)
        where T : class, IJobHandler =>
        services.AddKeyedScoped<IJobHandler, T>(kind);
}

/// <summary>
/// Wakes this node's worker as soon as a job saved here is committed, so queued work starts at once instead of at
/// the next poll. Jobs saved on other nodes are found by polling.
/// </summary>
public sealed class JobSignal : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly SemaphoreSlim pending = new(0, 1);
    private readonly ConditionalWeakTable<DbContext, object> queued = [];

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && db.ChangeTracker.Entries<Job>().Any(e => e.State == EntityState.Added))
        {
            queued.AddOrUpdate(db, this);
        }

        return ValueTask.FromResult(result);
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        // Inside an explicit transaction the jobs are not visible to the worker until the commit.
        if (eventData.Context is { } db && db.Database.CurrentTransaction is null && queued.Remove(db))
        {
            Poke();
        }

        return ValueTask.FromResult(result);
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && queued.Remove(db))
        {
            Poke();
        }

        return Task.CompletedTask;
    }

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db)
        {
            queued.Remove(db);
        }

        return Task.CompletedTask;
    }

    public void Poke()
    {
        try
        {
            pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already poked: one wake-up is enough.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => pending.WaitAsync(timeout, ct);
}
