using System.ComponentModel.DataAnnotations;
using Kefu.Core.Agents;
using Kefu.Core.Automation;
using Kefu.Core.Common;
using Kefu.Core.Sla;
using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Kefu.Data;
using Kefu.Server.Features.Automation;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Jobs;
using Kefu.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Sla;

public sealed class SlaOptions
{
    public const string Section = "Sla";

    /// <summary>Run the SLA worker in this process (several nodes may all run it: rows are claimed).</summary>
    public bool WorkerEnabled { get; set; } = true;

    [Range(1, 3600)]
    public int IntervalSeconds { get; set; } = 15;

    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;
}

/// <summary>
/// Fires SLA warnings, breaches and escalations when a conversation's indexed NextSlaDueAt is reached. Each tick claims
/// due rows (FOR UPDATE SKIP LOCKED on PostgreSQL, so several nodes share the work; SQLite has a single writer), runs
/// <see cref="SlaClock.Advance"/>, records each event once and applies escalation actions in the same transaction.
/// </summary>
public sealed class SlaWorker(IServiceScopeFactory scopes, TimeProvider clock, IOptions<SlaOptions> options, ILogger<SlaWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds), clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await RunOnceAsync(scope.ServiceProvider, clock.GetUtcNow(), options.Value.BatchSize, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "SLA worker tick failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Processes everything due at <paramref name="now"/>; returns the events recorded.</summary>
    public static async Task<int> RunOnceAsync(IServiceProvider services, DateTimeOffset now, int batchSize, CancellationToken ct)
    {
        var recorded = 0;
        var log = services.GetRequiredService<ILogger<SlaWorker>>();
        for (var round = 0; round < 50; round++)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var (count, events, changed) = await RunBatchAsync(db, now, batchSize, log, ct);
            recorded += events;
            if (changed.Count > 0)
            {
                var publisher = scope.ServiceProvider.GetRequiredService<RealtimePublisher>();
                foreach (var conversation in changed)
                {
                    await publisher.ConversationChangedAsync(ConversationDto.From(conversation, await ConversationCommands.CustomerNameAsync(db, conversation.CustomerId, ct)));
                }
            }

            if (count < batchSize)
            {
                break;
            }
        }

        return recorded;
    }

    private static async Task<(int Claimed, int Events, List<Conversation> Changed)> RunBatchAsync(
        KefuDbContext db, DateTimeOffset now, int batchSize, ILogger log, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var due = db.IsPostgres
            ? await db.Conversations.FromSql($"""SELECT * FROM "Conversations" WHERE "NextSlaDueAt" <= {now} ORDER BY "NextSlaDueAt" LIMIT {batchSize} FOR UPDATE SKIP LOCKED""").ToListAsync(ct)
            : await db.Conversations.Where(c => c.NextSlaDueAt != null && c.NextSlaDueAt <= now).OrderBy(c => c.NextSlaDueAt).Take(batchSize).ToListAsync(ct);
        var events = 0;
        var changed = new List<Conversation>();
        foreach (var conversation in due)
        {
            try
            {
                var (policy, hours) = await SlaRefresh.PolicyForAsync(db, conversation, ct);
                var (state, fired) = SlaClock.Advance(conversation.Sla, SlaFacts.Of(conversation), policy, hours, now);
                conversation.SetSla(state);
                var added = await SlaRefresh.RecordAsync(db, conversation, policy?.Id, fired, now, ct);
                events += added.Count;
                var version = conversation.Version;
                // Rules listening for SLA warnings and breaches run as a durable job committed with the recorded events.
                var triggers = added.Select(e => e.Kind switch
                {
                    SlaEventKind.Warning => (AutomationTrigger?)AutomationTrigger.SlaWarning,
                    SlaEventKind.Breach => AutomationTrigger.SlaBreached,
                    SlaEventKind.Escalation => null,
                }).OfType<AutomationTrigger>().Distinct().ToList();
                await AutomationOutbox.QueueAsync(db, Actor.System, now, conversation.Id, triggers, null, ct);
                foreach (var e in added)
                {
                    if (e.Kind == SlaEventKind.Breach)
                    {
                        // Recorded once (unique event), so the sla.breached webhook goes out once, with the breach.
                        await Webhooks.WebhookOutbox.SlaBreachedAsync(db, now,
                            ConversationDto.From(conversation, await ConversationCommands.CustomerNameAsync(db, conversation.CustomerId, ct)),
                            WireName.Of(e.Metric), e.DueAt, ct);
                    }

                    await NotifyAsync(db, conversation, e, now, ct);
                    foreach (var action in e.Actions)
                    {
                        await EscalateAsync(db, conversation, e, action, now, ct);
                    }
                }

                // What the escalation changed (priority, team) may select another policy: recompute as any write does.
                await SlaRefresh.ApplyAsync(db, conversation, now, ct);
                if (conversation.Version != version)
                {
                    changed.Add(conversation);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug in one conversation must not stop the others: look at it again later.
                log.LogError(e, "SLA processing failed for conversation {ConversationId}", conversation.Id);
                conversation.SetSla(conversation.Sla with { NextSlaDueAt = now.AddMinutes(5) });
            }
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (due.Count, events, changed);
    }

    /// <summary>Warnings go to the assignee; breaches to the assignee and, through escalation levels, to supervisors.</summary>
    private static async Task NotifyAsync(KefuDbContext db, Conversation conversation, SlaEvent e, DateTimeOffset now, CancellationToken ct)
    {
        if (e.Kind is SlaEventKind.Escalation || conversation.AssigneeId is not { } assignee)
        {
            return;
        }

        db.Notifications.Add(Notification.Create(assignee, NotificationKind.Sla, conversation.Id, conversation.Number, "SLA", Describe(e), now));
        await Task.CompletedTask.WaitAsync(ct);
    }

    private static async Task EscalateAsync(KefuDbContext db, Conversation conversation, SlaEvent e, EscalationAction action, DateTimeOffset now, CancellationToken ct)
    {
        switch (action.Kind)
        {
            case EscalationActionKind.NotifySupervisor:
                var team = action.TeamId ?? conversation.TeamId;
                var supervisors = await db.Agents.AsNoTracking().Where(a => a.IsActive && a.Role != AgentRole.Agent).ToListAsync(ct);
                var recipients = supervisors.Where(a => team is null || a.TeamIds.Contains(team.Value)).ToList();
                foreach (var supervisor in recipients.Count > 0 ? recipients : supervisors)
                {
                    db.Notifications.Add(Notification.Create(supervisor.Id, NotificationKind.Sla, conversation.Id, conversation.Number, "SLA", Describe(e), now));
                }

                break;
            case EscalationActionKind.RaisePriority:
                if (conversation.Priority < Priority.Urgent)
                {
                    Apply(db, conversation, new ConversationPatch(Priority: conversation.Priority + 1), now);
                }

                break;
            case EscalationActionKind.Reassign:
                Apply(db, conversation, new ConversationPatch(
                    AssigneeId: action.AgentId is { } agent ? agent : Optional<Guid?>.Absent,
                    TeamId: action.TeamId is { } teamId ? teamId : Optional<Guid?>.Absent), now);
                break;
            case EscalationActionKind.RunRule:
                // The named rule runs as an automation job (its conditions still apply), committed with the escalation.
                var rule = action.RuleId is { } ruleId
                    ? await db.AutomationRules.AsNoTracking().Where(r => r.Id == ruleId && r.IsActive).Select(r => new { r.Id, r.Trigger }).FirstOrDefaultAsync(ct)
                    : null;
                if (rule is null)
                {
                    db.Activities.Add(ActivityEntry.Create(Actor.System, now, "conversation", conversation.Id, "sla_rule_missing", new("ruleId", null, action.RuleId?.ToString())));
                    break;
                }

                JobQueue.Enqueue(db, AutomationJob.Kind, new AutomationRun(conversation.Id, [rule.Trigger], null, rule.Id), now, conversationId: conversation.Id);
                db.Activities.Add(ActivityEntry.Create(Actor.System, now, "conversation", conversation.Id, "sla_rule_queued", new("ruleId", null, rule.Id.ToString())));
                break;
        }
    }

    private static void Apply(KefuDbContext db, Conversation conversation, ConversationPatch patch, DateTimeOffset now)
    {
        var changes = conversation.Apply(patch, now);
        if (changes.IsOk)
        {
            db.Activities.AddRange(ActivityEntry.Updated(Actor.System, now, "conversation", conversation.Id, changes.Value));
        }
    }

    private static string Describe(SlaEvent e) =>
        $"{SlaRefresh.Wire(e.Metric)} {e.Kind.ToString().ToLowerInvariant()}{(e.Level > 0 ? " " + e.Level : "")}, due {e.DueAt:yyyy-MM-dd HH:mm} UTC";
}
