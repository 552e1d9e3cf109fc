using Kefu.Core.Automation;
using Kefu.Core.Common;
using Kefu.Core.Routing;
using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Kefu.Data;
using Kefu.Server.Features.Automation;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Sla;
using Kefu.Server.Jobs;
using Kefu.Server.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Routing;

/// <summary>What a transfer wrote: the conversation now, the handover note and the customer's notice, who to tell.</summary>
public sealed record Transferred(ConversationDto Conversation, List<MessageDto> Messages, List<Notification> Notifications);

/// <summary>
/// Transfers between agents and teams, shared by the REST API and the conversation page. One transaction: the new
/// owner, the handover note (an internal note, so the next agent reads the context), a system message telling the
/// customer they are being transferred and need not repeat themselves, the offer in the routing history (with its
/// first-response timer while unanswered) and the notifications.
/// </summary>
public static class TransferCommands
{
    public const int MaxNote = 2000;

    public static async Task<Result<Transferred>> TransferAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid conversationId, TransferRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors().Required("note", request.Note, MaxNote).MaxLength("clientRequestId", request.ClientRequestId, 100);
        if (request.AgentId is null && request.TeamId is null)
        {
            errors.Add("agentId", "give an agent, a team, or both.");
        }

        var agent = request.AgentId is { } a ? await db.Agents.AsNoTracking().FirstOrDefaultAsync(x => x.Id == a && x.IsActive, ct) : null;
        if (request.AgentId is not null && agent is null)
        {
            errors.Add("agentId", $"no active agent has the id {request.AgentId}.");
        }

        var team = request.TeamId is { } t ? await db.Teams.AsNoTracking().FirstOrDefaultAsync(x => x.Id == t, ct) : null;
        if (request.TeamId is not null && team is null)
        {
            errors.Add("teamId", $"no team has the id {request.TeamId}.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var noteClientId = request.ClientRequestId is { Length: > 0 } key ? $"transfer:{conversationId:N}:{key.Trim()}" : null;
        if (noteClientId is not null && await db.Messages.AsNoTracking().AnyAsync(m => m.ClientMessageId == noteClientId, ct))
        {
            // A retry of a transfer that was already made: answer with the conversation as it is.
            var current = await ConversationQueries.SummaryAsync(db, conversationId, ct);
            return current is null ? new NotFound("Conversation", conversationId.ToString()) : new Transferred(current, [], []);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await RoutingEngine.LockAsync(db, ct);
        var conversation = await RoutingEngine.LoadAsync(db, conversationId, ct);
        if (conversation is null)
        {
            return new NotFound("Conversation", conversationId.ToString());
        }

        if (conversation.MergedIntoId is not null || conversation.Status == ConversationStatus.Closed)
        {
            return new Conflict($"Conversation {Conversation.Display(conversation.Number)} is closed; it cannot be transferred.");
        }

        if (agent is not null && agent.Id == conversation.AssigneeId && (team is null || team.Id == conversation.TeamId))
        {
            return Invalid.Field("agentId", "the conversation is already theirs.");
        }

        var before = conversation.AssigneeId;
        var changes = conversation.Apply(new ConversationPatch(
            AssigneeId: agent?.Id,
            TeamId: team is not null ? team.Id : Optional<Guid?>.Absent), now);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        var target = agent is not null && team is not null ? $"{agent.DisplayName} ({team.Name})" : agent?.DisplayName ?? team!.Name;
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == conversation.CustomerId).Select(c => new { c.Language }).FirstOrDefaultAsync(ct);
        var english = customer?.Language?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true;
        var handover = Message.Create(conversation.Id, MessageKind.Note, AuthorOf(actor), actor.Kind == ActorKind.Automation ? null : actor.Id,
            $"转交给 {target} / Handover to {target}\n{request.Note!.Trim()}", null, null, noteClientId, now);
        var notice = Message.Create(conversation.Id, MessageKind.Outbound, AuthorKind.System, null,
            english
                ? $"We are transferring you to {target}. They can see this whole conversation, so you will not need to repeat yourself."
                : $"正在为您转接至{target}，对方可以看到之前的全部对话，您无需重复描述问题。",
            null, null, noteClientId is null ? null : noteClientId + ":notice", now.AddTicks(1));
        if (!handover.IsOk || !notice.IsOk)
        {
            return (handover.Error ?? notice.Error)!;
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "conversation", conversation.Id, changes.Value));
        db.Activities.Add(ActivityEntry.Create(actor, now, "conversation", conversation.Id, "transferred", new("assigneeId", before?.ToString(), agent?.Id.ToString())));
        foreach (var message in new[] { handover.Value, notice.Value })
        {
            var recorded = conversation.RecordMessage(message, now);
            if (!recorded.IsOk)
            {
                return recorded.Error!;
            }

            db.Messages.Add(message);
        }

        var state = await db.ConversationRouting.FirstOrDefaultAsync(r => r.ConversationId == conversation.Id, ct);
        if (state is null)
        {
            state = ConversationRouting.Create(conversation.Id, now);
            db.ConversationRouting.Add(state);
        }

        var notifications = new List<Notification>();
        var preview = request.Note.Trim();
        if (agent is not null)
        {
            var config = await RoutingEngine.ConfigAsync(db, ct);
            var (_, hours) = await SlaRefresh.PolicyForAsync(db, conversation, ct);
            var offer = FirstResponseTimeout.Offer(new RoutingDecision(conversation.TeamId, agent.Id, RoutingReason.Transfer), conversation.Channel,
                conversation.FirstResponseAt is null ? config.Reoffer() : new ReofferSettings(new Dictionary<Channel, TimeSpan>()), hours, now);
            state.Offer(offer, now);
            if (offer.ExpiresAt is { } expires)
            {
                JobQueue.Enqueue(db, RoutingEngine.FirstResponseKind, new FirstResponseCheck(conversation.Id, offer.AgentId, offer.OfferedAt), now,
                    dedupeKey: $"{RoutingEngine.FirstResponseKind}:{conversation.Id:N}:{offer.OfferedAt.UtcTicks}", conversationId: conversation.Id, runAt: expires);
            }

            notifications.Add(Notification.Create(agent.Id, NotificationKind.Transfer, conversation.Id, conversation.Number, Clip(actor.Name), preview, now));
        }
        else
        {
            // To a team: it waits in the team's queue (and is routed there when the team assigns automatically).
            state.SetOffers(FirstResponseTimeout.Withdrawn(state.Offers, now), now);
            state.Queue(team!.Id, now, now);
            JobQueue.Enqueue(db, RoutingEngine.AssignKind, new RouteConversation(conversation.Id), now, conversationId: conversation.Id);
            var members = await db.Agents.AsNoTracking().Where(x => x.IsActive).ToListAsync(ct);
            notifications.AddRange(members.Where(m => m.TeamIds.Contains(team.Id) && m.Id != actor.Id)
                .Select(m => Notification.Create(m.Id, NotificationKind.Transfer, conversation.Id, conversation.Number, Clip(actor.Name), preview, now)));
        }

        db.Notifications.AddRange(notifications);
        await SlaRefresh.ApplyAsync(db, conversation, now, ct);
        await AutomationOutbox.QueueAsync(db, actor, now, conversation.Id, [AutomationTrigger.ConversationUpdated], null, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var dto = ConversationDto.From(conversation, await ConversationCommands.CustomerNameAsync(db, conversation.CustomerId, ct));
        return new Transferred(dto, [MessageDto.From(handover.Value), MessageDto.From(notice.Value)], notifications);
    }

    /// <summary>After the commit: the messages reach agents and the widget, the conversation's new owner shows everywhere.</summary>
    public static async Task PublishAsync(KefuDbContext db, RealtimePublisher realtime, Transferred transferred, CancellationToken ct)
    {
        foreach (var message in transferred.Messages)
        {
            await realtime.MessageCreatedAsync(transferred.Conversation, message);
        }

        if (transferred.Messages.Count > 0)
        {
            await realtime.ConversationChangedAsync(transferred.Conversation);
        }

        foreach (var n in transferred.Notifications)
        {
            await realtime.PublishAsync(new NotificationCreated(n.AgentId, n.Id, Workspace.WorkspaceNotifications.KindName(n.Kind), n.ConversationId, n.ConversationNumber, n.ActorName, n.Preview));
        }

        await Task.CompletedTask.WaitAsync(ct);
    }

    private static AuthorKind AuthorOf(Actor actor) => actor.Kind switch
    {
        ActorKind.Agent or ActorKind.Integration => AuthorKind.Agent,
        ActorKind.Bot => AuthorKind.Bot,
        ActorKind.System or ActorKind.Customer or ActorKind.Automation => AuthorKind.System,
    };

    private static string Clip(string value) => value.Length <= Limits.Name ? value : value[..Limits.Name];
}
