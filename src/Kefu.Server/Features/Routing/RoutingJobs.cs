using System.ComponentModel.DataAnnotations;
using Kefu.Core.Channels.Chat;
using Kefu.Core.Sla;
using Kefu.Data;
using Kefu.Server.Jobs;
using Kefu.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Routing;

/// <summary>Routes one new conversation (queued with it, so a crash right after the commit still routes it).</summary>
public sealed class RoutingAssignJob(KefuDbContext db, TimeProvider clock, RealtimePublisher realtime) : IJobHandler
{
    public async Task<JobOutcome> RunAsync(Job job, CancellationToken ct)
    {
        var payload = job.PayloadAs<RouteConversation>();
        Routed? routed;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await RoutingEngine.LockAsync(db, ct);
            routed = await RoutingEngine.RouteWaitingAsync(db, payload.ConversationId, clock.GetUtcNow(), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        if (routed is not null)
        {
            await RoutingEngine.PublishAsync(db, realtime, routed, ct);
        }

        return JobOutcome.Done;
    }
}

/// <summary>The first-response timer of an offer (a job due when the offer expires): re-offers an unanswered conversation.</summary>
public sealed class FirstResponseJob(KefuDbContext db, TimeProvider clock, RealtimePublisher realtime) : IJobHandler
{
    public async Task<JobOutcome> RunAsync(Job job, CancellationToken ct)
    {
        var check = job.PayloadAs<FirstResponseCheck>();
        Routed? routed;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await RoutingEngine.LockAsync(db, ct);
            routed = await RoutingEngine.FirstResponseDueAsync(db, check, clock.GetUtcNow(), ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        if (routed is not null)
        {
            await RoutingEngine.PublishAsync(db, realtime, routed, ct);
        }

        return JobOutcome.Done;
    }
}

public sealed class RoutingOptions
{
    public const string Section = "Routing";

    /// <summary>Run the queue worker in this process (several nodes may: decisions take one routing lock).</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>How often waiting conversations are offered again (agents who came online or freed capacity, overflow waits).</summary>
    [Range(1, 3600)]
    public int IntervalSeconds { get; set; } = 10;

    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;
}

/// <summary>
/// Works the queue: conversations waiting for an agent are routed again in queue order (VIP first, then priority,
/// then the longest wait: <see cref="ChatQueue.Order"/>) every few seconds and whenever an agent's presence changes,
/// so agents who come online or free capacity get the next waiting conversation, and overflow waits take effect.
/// </summary>
public sealed class RoutingWorker(IServiceScopeFactory scopes, RealtimeBus bus, TimeProvider clock, IOptions<RoutingOptions> options, ILogger<RoutingWorker> log) : BackgroundService
{
    private readonly SemaphoreSlim poke = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled)
        {
            return;
        }

        using var subscription = bus.Subscribe(e =>
        {
            if (e is PresenceChanged && poke.CurrentCount == 0)
            {
                try
                {
                    poke.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Already poked.
                }
            }

            return Task.CompletedTask;
        });
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds), clock);
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await DrainAsync(scope.ServiceProvider, clock.GetUtcNow(), options.Value.BatchSize, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "Routing the queue failed");
            }

            var poked = poke.WaitAsync(stoppingToken);
            var done = await Task.WhenAny(tick, poked);
            if (done == tick)
            {
                if (!await tick)
                {
                    break;
                }

                tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
            }
        }
    }

    /// <summary>Routes waiting conversations in queue order; returns how many got an agent.</summary>
    public static async Task<int> DrainAsync(IServiceProvider services, DateTimeOffset now, int batchSize, CancellationToken ct)
    {
        List<Guid> ordered;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var waiting = await (from r in db.ConversationRouting.AsNoTracking()
                                 join c in db.Conversations.AsNoTracking() on r.ConversationId equals c.Id
                                 join u in db.Customers.AsNoTracking() on c.CustomerId equals u.Id
                                 where r.QueuedSince != null
                                 orderby r.QueuedSince
                                 select new { c.Id, u.Tags, c.Priority, r.QueuedSince, c.Number }).Take(batchSize).ToListAsync(ct);
            ordered = ChatQueue.Order(waiting.Select(w => new QueueEntry(w.Id,
                    w.Tags.Any(t => string.Equals(t, CustomerSegments.VipTag, StringComparison.OrdinalIgnoreCase)), w.Priority, w.QueuedSince!.Value, w.Number)))
                .Select(e => e.ConversationId).ToList();
        }

        var assigned = 0;
        foreach (var id in ordered)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            Routed? routed;
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                await RoutingEngine.LockAsync(db, ct);
                routed = await RoutingEngine.RouteWaitingAsync(db, id, now, ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }

            if (routed is { Changed: true })
            {
                assigned++;
                await RoutingEngine.PublishAsync(db, scope.ServiceProvider.GetRequiredService<RealtimePublisher>(), routed, ct);
            }
        }

        return assigned;
    }
}

public static class RoutingSetup
{
    public static void AddKefuRouting(this IServiceCollection services)
    {
        services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddJobHandler<RoutingAssignJob>(RoutingEngine.AssignKind);
        services.AddJobHandler<FirstResponseJob>(RoutingEngine.FirstResponseKind);
        services.AddHostedService<RoutingWorker>();
    }
}
