using System.Net.Http.Json;
using Kefu.Core.Automation;
using Kefu.Core.Calendars;
using Kefu.Core.Common;
using Kefu.Core.Sla;
using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Workspace;
using Kefu.Server.Jobs;
using Kefu.Server.Realtime;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Automation;

/// <summary>
/// Runs the rules that listen for what happened to a conversation (or, for a time rule that came due, that one rule),
/// each as its own actor so the activity trail names the rule. Replies and notes carry client ids derived from the
/// job, so a retried job does not post them twice.
/// </summary>
public sealed class AutomationJob(
    KefuDbContext db, TimeProvider clock, RealtimePublisher realtime, WorkspaceNotifications notifications, Assistant.AssistantModels models,
    IOptions<Assistant.AssistantOptions> assistant, ILogger<AutomationJob> log) : IJobHandler
{
    public const string Kind = "automation.run";

    public async Task<JobOutcome> RunAsync(Job job, CancellationToken ct)
    {
        var run = job.PayloadAs<AutomationRun>();
        var now = clock.GetUtcNow();
        var rules = await db.AutomationRules.AsNoTracking()
            .Where(r => r.IsActive && (run.RuleId == null ? run.Triggers.Contains(r.Trigger) : r.Id == run.RuleId)).ToListAsync(ct);
        var facts = await FactsAsync(db, run.ConversationId, run.MessageId, now, ct, models.Current, assistant.Value.MinCategoryConfidence);
        if (rules.Count == 0 || facts is null)
        {
            return JobOutcome.Done;
        }

        // Every trigger of the run is evaluated against the same facts; a rule fires at most once per run.
        var matches = run.Triggers.SelectMany(t => Kefu.Core.Automation.Automation.Evaluate(rules, t, facts, new Actor(ActorKind.System, null, "system")))
            .DistinctBy(m => m.Rule.Id).ToList();
        foreach (var match in matches)
        {
            await ApplyAsync(job, match.Rule, run.ConversationId, now, ct);
        }

        return JobOutcome.Done;
    }

    private async Task ApplyAsync(Job job, AutomationRule rule, Guid conversationId, DateTimeOffset now, CancellationToken ct)
    {
        var actor = Actor.Rule(rule.Id, rule.Name);
        db.ChangeTracker.Clear();
        var current = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, ct);
        if (current is null || current.Status == ConversationStatus.Closed)
        {
            return;
        }

        var plan = AutomationPlan.For(rule.Actions, current.Priority, current.Tags);
        // Replies and notes first, then the changes: "remind the customer, then resolve" reads in that order.
        var step = 0;
        foreach (var cannedId in plan.CannedReplies)
        {
            var body = await CannedBodyAsync(cannedId, conversationId, ct);
            if (body is not null)
            {
                await PostAsync(job, rule, actor, conversationId, MessageKind.Outbound, body, step++, now, ct);
            }
        }

        foreach (var note in plan.Notes)
        {
            await PostAsync(job, rule, actor, conversationId, MessageKind.Note, note, step++, now, ct);
        }

        db.ChangeTracker.Clear();
        var updated = await ConversationCommands.UpdateAsync(db, actor, now, conversationId, null, plan.Patch, ct);
        if (!updated.IsOk)
        {
            // E.g. a team that was deleted since the rule was written: the rule's other actions still run.
            log.LogWarning("Automation rule {Rule} could not change conversation {Conversation}: {Error}", rule.Name, conversationId, updated.Error);
        }
        else if (updated.Value.Version != current.Version)
        {
            await realtime.ConversationChangedAsync(updated.Value);
            if (updated.Value.AssigneeId is not null && updated.Value.AssigneeId != current.AssigneeId)
            {
                await notifications.AssignedAsync(updated.Value, actor, ct);
            }
        }

        if (plan.Notifications.Count > 0 && await ConversationQueries.SummaryAsync(db, conversationId, ct) is { } summary)
        {
            foreach (var notify in plan.Notifications)
            {
                var agents = await RecipientsAsync(notify.Values, summary, ct);
                await notifications.AutomationAsync(summary, rule.Name, agents, notify.Text ?? summary.Subject, ct);
            }
        }

        if (plan.Webhooks.Count > 0 && await ConversationQueries.SummaryAsync(db, conversationId, ct) is { } payload)
        {
            foreach (var url in plan.Webhooks)
            {
                JobQueue.Enqueue(db, AutomationWebhookJob.Kind, new AutomationWebhook(url, rule.Id, rule.Name, payload), now, conversationId: conversationId);
            }

            await db.SaveChangesAsync(ct);
        }
    }

    private async Task PostAsync(Job job, AutomationRule rule, Actor actor, Guid conversationId, MessageKind kind, string text, int step, DateTimeOffset now, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var message = new NewMessage(kind, text, null, $"automation:{job.Id:N}:{rule.Id:N}:{step}", null);
        var added = await ConversationCommands.AddMessageAsync(db, actor, now, conversationId, message, ct);
        if (!added.IsOk)
        {
            log.LogWarning("Automation rule {Rule} could not post to conversation {Conversation}: {Error}", rule.Name, conversationId, added.Error);
        }
        else if (added.Value.Created)
        {
            await realtime.MessageCreatedAsync(added.Value.Conversation, added.Value.Message);
        }
    }

    private async Task<string?> CannedBodyAsync(Guid cannedId, Guid conversationId, CancellationToken ct)
    {
        var canned = await db.CannedResponses.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cannedId, ct);
        if (canned is null || await ConversationQueries.SummaryAsync(db, conversationId, ct) is not { } conversation)
        {
            return null;
        }

        // As the assignee would see it in the composer (no assignee: the agent's name is left empty).
        var customer = await db.Customers.AsNoTracking().Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == conversation.CustomerId, ct);
        var agent = conversation.AssigneeId is { } a ? await db.Agents.AsNoTracking().Where(x => x.Id == a).Select(x => x.DisplayName).FirstOrDefaultAsync(ct) : null;
        var facts = customer is null
            ? null
            : new CannedCustomer(customer.DisplayName, customer.Identities.FirstOrDefault(i => i.Kind == Kefu.Core.Customers.IdentityKind.Email)?.Value);
        return CannedVariables.Render(canned.Body, CannedResponseCommands.Variables(conversation, facts, agent ?? ""));
    }

    private async Task<List<Guid>> RecipientsAsync(IReadOnlyList<string> targets, ConversationDto conversation, CancellationToken ct)
    {
        var agents = await db.Agents.AsNoTracking().Where(a => a.IsActive).ToListAsync(ct);
        var ids = new HashSet<Guid>();
        foreach (var target in targets)
        {
            switch (target)
            {
                case "assignee" when conversation.AssigneeId is { } assignee:
                    ids.Add(assignee);
                    break;
                case "team" when conversation.TeamId is { } team:
                    ids.UnionWith(agents.Where(a => a.TeamIds.Contains(team)).Select(a => a.Id));
                    break;
                case "admins":
                    ids.UnionWith(agents.Where(a => a.Role == Kefu.Core.Agents.AgentRole.Admin).Select(a => a.Id));
                    break;
                default:
                    if (Guid.TryParse(target, out var id))
                    {
                        ids.Add(id);
                    }

                    break;
            }
        }

        return agents.Where(a => ids.Contains(a.Id)).Select(a => a.Id).ToList();
    }

    /// <summary>Everything rules can test about the conversation now; null when it no longer exists.</summary>
    /// <param name="models">To read a message the assistant has not read yet (its job may run after this one).</param>
    public static async Task<AutomationFacts?> FactsAsync(
        KefuDbContext db, Guid conversationId, Guid? messageId, DateTimeOffset now, CancellationToken ct, Assistant.AssistantSnapshot? models = null, double minCategoryConfidence = 0.2)
    {
        var c = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == conversationId, ct);
        if (c is null)
        {
            return null;
        }

        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(x => x.Id == c.CustomerId, ct);
        var earlier = await db.Conversations.AnyAsync(x => x.CustomerId == c.CustomerId && x.CreatedAt < c.CreatedAt, ct);
        var segment = CustomerSegments.Of(customer?.Tags ?? [], earlier);
        var message = messageId is { } m
            ? await db.Messages.AsNoTracking().Where(x => x.Id == m).Select(x => new { x.Text, x.Kind, x.Sentiment, x.SentimentLabel, x.SuggestedCategoryId }).FirstOrDefaultAsync(ct)
            : await db.Messages.AsNoTracking().Where(x => x.ConversationId == c.Id && x.Kind == MessageKind.Inbound)
                .OrderByDescending(x => x.CreatedAt).Select(x => new { x.Text, x.Kind, x.Sentiment, x.SentimentLabel, x.SuggestedCategoryId }).FirstOrDefaultAsync(ct);
        var text = message?.Text;
        var (sentiment, suggested) = (message?.Sentiment, message?.SuggestedCategoryId);
        if (message is { Kind: MessageKind.Inbound, SentimentLabel: null } && models is not null)
        {
            var reading = models.Read(message.Text, minCategoryConfidence);
            (sentiment, suggested) = (reading.Sentiment, reading.CategoryId);
        }
        var hours = await HoursAsync(db, c.SlaPolicyId, ct);

        // Rows written before StatusChangedAt existed carry its zero value: their last update is the best bound.
        var inStatusSince = c.StatusChangedAt == default ? c.UpdatedAt : c.StatusChangedAt;
        return new AutomationFacts(
            c.Channel, c.Priority, c.Status, c.CategoryId, c.TeamId, c.AssigneeId, c.Tags, [WireName.Of(segment)],
            text ?? "", c.Subject, hours.IsOpen(now), customer?.Attributes ?? [],
            (now - inStatusSince).TotalHours, (now - c.LastMessageAt).TotalHours, sentiment, suggested);
    }

    /// <summary>The calendar of the conversation's SLA policy, else the first calendar, else always open.</summary>
    private static async Task<BusinessHours> HoursAsync(KefuDbContext db, Guid? policyId, CancellationToken ct)
    {
        var calendarId = policyId is { } p ? await db.SlaPolicies.AsNoTracking().Where(x => x.Id == p).Select(x => x.CalendarId).FirstOrDefaultAsync(ct) : null;
        var calendar = calendarId is { } id
            ? await db.BusinessCalendars.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct)
            : await db.BusinessCalendars.AsNoTracking().OrderBy(x => x.CreatedAt).FirstOrDefaultAsync(ct);
        return calendar?.Hours() ?? BusinessHours.AlwaysOpen;
    }
}

public sealed record AutomationWebhook(string Url, Guid RuleId, string RuleName, ConversationDto Conversation);

/// <summary>A rule's "call a webhook" action: POSTs the conversation as JSON; any 2xx is delivered, else retried.</summary>
public sealed class AutomationWebhookJob(IHttpClientFactory http, IOptions<JsonOptions> json) : IJobHandler
{
    public const string Kind = "automation.webhook";

    public async Task<JobOutcome> RunAsync(Job job, CancellationToken ct)
    {
        var hook = job.PayloadAs<AutomationWebhook>();
        using var client = http.CreateClient(Kind);
        using var response = await client.PostAsJsonAsync(hook.Url, new
        {
            type = "automation.rule_fired",
            rule = new { id = hook.RuleId, name = hook.RuleName },
            conversation = hook.Conversation,
        }, json.Value.SerializerOptions, ct);
        return response.IsSuccessStatusCode ? JobOutcome.Done : JobOutcome.Retry($"{hook.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
    }
}
