using Kefu.Core.Agents;
using Kefu.Core.Common;
using Kefu.Core.Promises;
using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Routing;
using Kefu.Server.Jobs;
using Kefu.Server.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Promises;

public sealed record PromiseDto(
    Guid Id, Guid ConversationId, long ConversationNumber, string Subject, Guid AgentId, string AgentName, string Text, DateTimeOffset DueAt, int RemindMinutes,
    PromiseStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? RemindedAt, DateTimeOffset? OverdueAt, DateTimeOffset? ClosedAt, bool Overdue);

/// <summary>A promise to record; <see cref="CustomerMessage"/> (optional) is sent to the customer as a progress message.</summary>
public sealed record CreatePromiseRequest(string? Text, DateTimeOffset? DueAt, int? RemindMinutes, string? CustomerMessage);

public sealed record ClosePromiseRequest(PromiseStatus? Status);

public sealed record FollowUpDto(Guid Id, Guid ConversationId, long ConversationNumber, string Subject, Guid? AgentId, DateTimeOffset DueAt, FollowUpStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? NotifiedAt, DateTimeOffset? ClosedAt);

public sealed record CloseFollowUpRequest(FollowUpStatus? Status);

public sealed record FollowUpSettingsDto(int DefaultHours, Dictionary<Guid, int> CategoryHours, DateTimeOffset UpdatedAt);

public sealed record FollowUpSettingsRequest(int? DefaultHours, Dictionary<Guid, int>? CategoryHours);

/// <summary>The timer of a promise (its reminder, its overdue alert) or of a follow-up: a job due at that instant.</summary>
public sealed record CommitmentTimer(Guid Id, string Stage);

/// <summary>
/// Promises (承诺) and follow-ups, shared by the REST API and the workspace pages. Their reminders are durable jobs
/// queued with the promise (or with the resolution), so they survive restarts and fire once across nodes; each
/// alert is also stamped on the row, so a retried job never tells anyone twice.
/// </summary>
public static class PromiseCommands
{
    public const string TimerKind = "promise.timer";
    public const string FollowUpKind = "follow_up.due";

    public static async Task<Result<(PromiseDto Promise, MessageDto? Message, ConversationDto? Conversation)>> CreateAsync(
        KefuDbContext db, Actor actor, DateTimeOffset now, Guid conversationId, CreatePromiseRequest request, CancellationToken ct)
    {
        if (actor.Id is not { } agentId)
        {
            return new Forbidden("Only agents make promises.");
        }

        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, ct);
        if (conversation is null)
        {
            return new NotFound("Conversation", conversationId.ToString());
        }

        var created = Promise.Create(Guid.CreateVersion7(now), conversationId, agentId, request.Text, request.DueAt, request.RemindMinutes, now);
        var errors = new FieldErrors().Include(created.Error).MaxLength("customerMessage", request.CustomerMessage, 4000);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var promise = created.Value;
        db.Promises.Add(promise);
        db.Activities.Add(ActivityEntry.Create(actor, now, "conversation", conversationId, "promise_added", new("promise", null, $"{promise.Text} @ {promise.DueAt:O}")));
        if (promise.RemindMinutes > 0 && promise.RemindAt > now)
        {
            JobQueue.Enqueue(db, TimerKind, new CommitmentTimer(promise.Id, "remind"), now, dedupeKey: $"{TimerKind}:{promise.Id:N}:remind", conversationId: conversationId, runAt: promise.RemindAt);
        }

        JobQueue.Enqueue(db, TimerKind, new CommitmentTimer(promise.Id, "overdue"), now, dedupeKey: $"{TimerKind}:{promise.Id:N}:overdue", conversationId: conversationId, runAt: promise.DueAt);
        MessageDto? message = null;
        ConversationDto? after = null;
        if (string.IsNullOrWhiteSpace(request.CustomerMessage))
        {
            await db.SaveChangesAsync(ct);
        }
        else
        {
            // The progress message's own transaction saves the promise and its timers too: never one without the other.
            var sent = await ConversationCommands.AddMessageAsync(db, actor, now, conversationId,
                new NewMessage(MessageKind.Outbound, request.CustomerMessage.Trim(), null, $"promise:{promise.Id:N}", null), ct);
            if (!sent.IsOk)
            {
                return sent.Error!;
            }

            (message, after) = (sent.Value.Message, sent.Value.Conversation);
        }

        return (await DtoAsync(db, promise, now, ct), message, after);
    }

    public static async Task<Result<PromiseDto>> CloseAsync(KefuDbContext db, Actor actor, AgentRole role, DateTimeOffset now, Guid id, ClosePromiseRequest request, CancellationToken ct)
    {
        var promise = await db.Promises.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (promise is null)
        {
            return new NotFound("Promise", id.ToString());
        }

        if (promise.AgentId != actor.Id && !role.Includes(AgentRole.Supervisor))
        {
            return new Forbidden("Only the agent who made the promise, or a supervisor, closes it.");
        }

        if (request.Status is null)
        {
            return Invalid.Field("status", "is required: kept or cancelled.");
        }

        var closed = promise.Close(request.Status.Value, now);
        if (!closed.IsOk)
        {
            return closed.Error!;
        }

        db.Activities.Add(ActivityEntry.Create(actor, now, "conversation", promise.ConversationId, "promise_closed", closed.Value));
        await db.SaveChangesAsync(ct);
        return await DtoAsync(db, promise, now, ct);
    }

    public static async Task<List<PromiseDto>> ListAsync(KefuDbContext db, DateTimeOffset now, CancellationToken ct, Guid? conversationId = null, Guid? agentId = null, bool openOnly = false)
    {
        var query = db.Promises.AsNoTracking();
        query = conversationId is { } c ? query.Where(p => p.ConversationId == c) : query;
        query = agentId is { } a ? query.Where(p => p.AgentId == a) : query;
        query = openOnly ? query.Where(p => p.Status == PromiseStatus.Open) : query;
        var rows = await query.OrderBy(p => p.DueAt).Take(500).ToListAsync(ct);
        var result = new List<PromiseDto>();
        foreach (var p in rows)
        {
            result.Add(await DtoAsync(db, p, now, ct));
        }

        return result;
    }

    private static async Task<PromiseDto> DtoAsync(KefuDbContext db, Promise p, DateTimeOffset now, CancellationToken ct)
    {
        var c = await db.Conversations.AsNoTracking().Where(x => x.Id == p.ConversationId).Select(x => new { x.Number, x.Subject }).FirstAsync(ct);
        var agent = await db.Agents.AsNoTracking().Where(a => a.Id == p.AgentId).Select(a => a.DisplayName).FirstOrDefaultAsync(ct) ?? "";
        return new PromiseDto(p.Id, p.ConversationId, c.Number, c.Subject, p.AgentId, agent, p.Text, p.DueAt, p.RemindMinutes, p.Status, p.CreatedAt,
            p.RemindedAt, p.OverdueAt, p.ClosedAt, p.Status == PromiseStatus.Open && now >= p.DueAt);
    }

    /// <summary>
    /// On every status change of a conversation (called with the SLA refresh, in the write's transaction): resolving
    /// schedules its follow-up (unless one is already scheduled or follow-ups are off for its category); reopening
    /// cancels a scheduled one.
    /// </summary>
    public static async Task ApplyFollowUpAsync(KefuDbContext db, Conversation conversation, DateTimeOffset now, CancellationToken ct)
    {
        var entry = db.Entry(conversation);
        if (entry.State != Microsoft.EntityFrameworkCore.EntityState.Modified || !entry.Property(c => c.Status).IsModified)
        {
            return;
        }

        switch (conversation.Status)
        {
            case ConversationStatus.Resolved:
                var scheduled = db.FollowUps.Local.Any(f => f.ConversationId == conversation.Id && f.Status == FollowUpStatus.Scheduled)
                    || await db.FollowUps.AnyAsync(f => f.ConversationId == conversation.Id && f.Status == FollowUpStatus.Scheduled, ct);
                var settings = await db.FollowUpSettings.AsNoTracking().FirstOrDefaultAsync(ct) ?? FollowUpSettings.Default(now);
                if (!scheduled && settings.After(conversation.CategoryId) is { } after)
                {
                    var followUp = FollowUp.Schedule(Guid.CreateVersion7(now), conversation.Id, conversation.AssigneeId, after, now);
                    db.FollowUps.Add(followUp);
                    JobQueue.Enqueue(db, FollowUpKind, new CommitmentTimer(followUp.Id, "due"), now, dedupeKey: $"{FollowUpKind}:{followUp.Id:N}", conversationId: conversation.Id, runAt: followUp.DueAt);
                    db.Activities.Add(ActivityEntry.Create(Actor.System, now, "conversation", conversation.Id, "follow_up_scheduled", new("dueAt", null, followUp.DueAt.ToString("O"))));
                }

                break;
            case ConversationStatus.New or ConversationStatus.Open or ConversationStatus.Pending or ConversationStatus.OnHold:
                foreach (var open in await db.FollowUps.Where(f => f.ConversationId == conversation.Id && f.Status == FollowUpStatus.Scheduled).ToListAsync(ct))
                {
                    if (open.Close(FollowUpStatus.Cancelled, now).IsOk)
                    {
                        db.Activities.Add(ActivityEntry.Create(Actor.System, now, "conversation", conversation.Id, "follow_up_cancelled", new("status", "scheduled", "cancelled")));
                    }
                }

                break;
            case ConversationStatus.Closed:
                break;
        }
    }

    public static async Task<Result<FollowUpDto>> CloseFollowUpAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, CloseFollowUpRequest request, CancellationToken ct)
    {
        var followUp = await db.FollowUps.FirstOrDefaultAsync(f => f.Id == id, ct);
        if (followUp is null)
        {
            return new NotFound("Follow-up", id.ToString());
        }

        if (request.Status is null)
        {
            return Invalid.Field("status", "is required: done or cancelled.");
        }

        var closed = followUp.Close(request.Status.Value, now);
        if (!closed.IsOk)
        {
            return closed.Error!;
        }

        db.Activities.Add(ActivityEntry.Create(actor, now, "conversation", followUp.ConversationId, "follow_up_closed", closed.Value));
        await db.SaveChangesAsync(ct);
        return (await FollowUpsAsync(db, ct, followUp.ConversationId)).First(f => f.Id == id);
    }

    public static async Task<List<FollowUpDto>> FollowUpsAsync(KefuDbContext db, CancellationToken ct, Guid? conversationId = null, Guid? agentId = null, bool openOnly = false)
    {
        var query = from f in db.FollowUps.AsNoTracking()
                    join c in db.Conversations.AsNoTracking() on f.ConversationId equals c.Id
                    select new { f, c.Number, c.Subject };
        query = conversationId is { } cid ? query.Where(x => x.f.ConversationId == cid) : query;
        query = agentId is { } a ? query.Where(x => x.f.AgentId == a) : query;
        query = openOnly ? query.Where(x => x.f.Status == FollowUpStatus.Scheduled) : query;
        var rows = await query.OrderBy(x => x.f.DueAt).Take(500).ToListAsync(ct);
        return rows.Select(x => new FollowUpDto(x.f.Id, x.f.ConversationId, x.Number, x.Subject, x.f.AgentId, x.f.DueAt, x.f.Status, x.f.CreatedAt, x.f.NotifiedAt, x.f.ClosedAt)).ToList();
    }
}

/// <summary>A promise's reminder or overdue alert: tells the agent who made it (and, when overdue, the supervisors).</summary>
public sealed class PromiseTimerJob(KefuDbContext db, TimeProvider clock, RealtimePublisher realtime) : IJobHandler
{
    public async Task<JobOutcome> RunAsync(Job job, CancellationToken ct)
    {
        var timer = job.PayloadAs<CommitmentTimer>();
        var now = clock.GetUtcNow();
        var promise = await db.Promises.FirstOrDefaultAsync(p => p.Id == timer.Id, ct);
        var conversation = promise is null ? null : await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == promise.ConversationId, ct);
        if (promise is null || conversation is null)
        {
            return JobOutcome.Done;
        }

        var notifications = new List<Notification>();
        if (timer.Stage == "remind" && promise.Remind(now))
        {
            notifications.Add(Notification.Create(promise.AgentId, NotificationKind.Promise, conversation.Id, conversation.Number, "promise",
                $"Due {promise.DueAt:yyyy-MM-dd HH:mm} UTC: {promise.Text}", now));
        }
        else if (timer.Stage == "overdue" && promise.Overdue(now))
        {
            var text = $"Overdue since {promise.DueAt:yyyy-MM-dd HH:mm} UTC: {promise.Text}";
            notifications.Add(Notification.Create(promise.AgentId, NotificationKind.Promise, conversation.Id, conversation.Number, "promise", text, now));
            notifications.AddRange((await RoutingEngine.SupervisorsAsync(db, conversation.TeamId, ct)).Where(s => s != promise.AgentId)
                .Select(s => Notification.Create(s, NotificationKind.Promise, conversation.Id, conversation.Number, "promise", text, now)));
            db.Activities.Add(ActivityEntry.Create(Actor.System, now, "conversation", conversation.Id, "promise_overdue", new("promise", null, promise.Text)));
        }

        db.Notifications.AddRange(notifications);
        await db.SaveChangesAsync(ct);
        await NotifyAsync(realtime, notifications);
        return JobOutcome.Done;
    }

    internal static async Task NotifyAsync(RealtimePublisher realtime, IEnumerable<Notification> notifications)
    {
        foreach (var n in notifications)
        {
            await realtime.PublishAsync(new NotificationCreated(n.AgentId, n.Id, Workspace.WorkspaceNotifications.KindName(n.Kind), n.ConversationId, n.ConversationNumber, n.ActorName, n.Preview));
        }
    }
}

/// <summary>A follow-up came due: the assignee at resolution (else the team's supervisors) is asked to confirm the customer is satisfied.</summary>
public sealed class FollowUpJob(KefuDbContext db, TimeProvider clock, RealtimePublisher realtime) : IJobHandler
{
    public async Task<JobOutcome> RunAsync(Job job, CancellationToken ct)
    {
        var timer = job.PayloadAs<CommitmentTimer>();
        var now = clock.GetUtcNow();
        var followUp = await db.FollowUps.FirstOrDefaultAsync(f => f.Id == timer.Id, ct);
        var conversation = followUp is null ? null : await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == followUp.ConversationId, ct);
        if (followUp is null || conversation is null || !followUp.Notify(now))
        {
            return JobOutcome.Done;
        }

        var recipients = followUp.AgentId is { } agent ? [agent] : await RoutingEngine.SupervisorsAsync(db, conversation.TeamId, ct);
        var notifications = recipients.Select(r => Notification.Create(r, NotificationKind.FollowUp, conversation.Id, conversation.Number, "follow-up",
            $"Follow up on {Conversation.Display(conversation.Number)}: is the customer satisfied?", now)).ToList();
        db.Notifications.AddRange(notifications);
        db.Activities.Add(ActivityEntry.Create(Actor.System, now, "conversation", conversation.Id, "follow_up_due"));
        await db.SaveChangesAsync(ct);
        await PromiseTimerJob.NotifyAsync(realtime, notifications);
        return JobOutcome.Done;
    }
}
