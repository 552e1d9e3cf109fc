using Kefu.Core.Automation;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Automation;

/// <summary>
/// Finds conversations that time rules now apply to ("pending for 72 hours") and queues the rule for each, once per
/// conversation and state: the firing row's key (rule, conversation, when the state began) is written with the job,
/// so a second node or a later tick that sees the same conversation writes nothing.
/// </summary>
public sealed class TimeRuleWorker(
    IDbContextFactory<KefuDbContext> dbs, IOptions<AutomationOptions> options, TimeProvider clock, ILogger<TimeRuleWorker> log) : BackgroundService
{
    public const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TimeRuleInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Checking time-based automation rules failed; trying again at the next tick.");
            }
        }
    }

    public async Task TickAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var rules = await db.AutomationRules.AsNoTracking().Where(r => r.IsActive && r.Trigger == AutomationTrigger.Time).ToListAsync(ct);
        foreach (var rule in rules)
        {
            try
            {
                await FireAsync(rule, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Time rule {Rule} failed this tick.", rule.Name);
            }
        }
    }

    private async Task FireAsync(AutomationRule rule, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var byLastMessage = rule.Conditions.Any(c => c.Field == ConditionField.HoursSinceLastMessage);
        var query = db.Conversations.AsNoTracking().Where(c => c.Status != ConversationStatus.Closed && c.MergedIntoId == null);
        foreach (var c in rule.Conditions.Where(c => c.Operator == ConditionOperator.AtLeast))
        {
            var before = now - TimeSpan.FromHours(double.Parse(c.Values[0], System.Globalization.CultureInfo.InvariantCulture));
            query = c.Field == ConditionField.HoursSinceLastMessage ? query.Where(x => x.LastMessageAt <= before)
                : c.Field == ConditionField.HoursInStatus ? query.Where(x => x.StatusChangedAt <= before) : query;
        }

        if (rule.Match == MatchMode.All && rule.Conditions.FirstOrDefault(c => c.Field == ConditionField.Status && c.Operator == ConditionOperator.Is) is { } status)
        {
            var statuses = status.Values.Select(RuleValidation.Parse<ConversationStatus>).ToList();
            query = query.Where(x => statuses.Contains(x.Status));
        }

        var candidates = await (byLastMessage
                ? query.Where(x => !db.AutomationFirings.Any(f => f.RuleId == rule.Id && f.ConversationId == x.Id && f.Anchor == x.LastMessageAt))
                    .OrderBy(x => x.LastMessageAt).Select(x => new { x.Id, Anchor = x.LastMessageAt })
                : query.Where(x => !db.AutomationFirings.Any(f => f.RuleId == rule.Id && f.ConversationId == x.Id && f.Anchor == x.StatusChangedAt))
                    .OrderBy(x => x.StatusChangedAt).Select(x => new { x.Id, Anchor = x.StatusChangedAt }))
            .Take(BatchSize).ToListAsync(ct);
        foreach (var candidate in candidates)
        {
            var facts = await AutomationJob.FactsAsync(db, candidate.Id, null, now, ct);
            if (facts is null || !Kefu.Core.Automation.Automation.Matches(rule, facts))
            {
                continue;
            }

            db.AutomationFirings.Add(new AutomationFiring { RuleId = rule.Id, ConversationId = candidate.Id, Anchor = candidate.Anchor, FiredAt = now });
            JobQueue.Enqueue(db, AutomationJob.Kind, new AutomationRun(candidate.Id, [AutomationTrigger.Time], null, rule.Id), now, conversationId: candidate.Id);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                // Another node fired it first.
            }

            db.ChangeTracker.Clear();
        }
    }
}
