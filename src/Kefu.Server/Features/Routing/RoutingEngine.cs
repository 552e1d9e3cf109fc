using Kefu.Core.Agents;
using Kefu.Core.Common;
using Kefu.Core.Routing;
using Kefu.Core.Sla;
using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Sla;
using Kefu.Server.Features.Workspace;
using Kefu.Server.Jobs;
using Kefu.Server.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Routing;

/// <summary>Route a new conversation now (queued in the creating transaction).</summary>
public sealed record RouteConversation(Guid ConversationId);

/// <summary>The durable first-response timer of one offer: due when the offer expires.</summary>
public sealed record FirstResponseCheck(Guid ConversationId, Guid AgentId, DateTimeOffset OfferedAt);

/// <summary>What a routing step changed, to publish after the commit.</summary>
public sealed record Routed(Conversation Conversation, bool Changed, List<Notification> Notifications);

/// <summary>
/// The server side of routing: loads what the pure <see cref="Router"/> needs (settings, agents with their load on the
/// channel, the customer's previous agent, VIP), applies its decision to the conversation and records the offer with
/// its first-response timer (a job due when the offer expires). Every decision runs in a transaction that first
/// takes one routing lock (a PostgreSQL advisory lock; SQLite has a single writer), so nodes never hand the same
/// agent more than their capacity.
/// </summary>
public static class RoutingEngine
{
    public const string AssignKind = "routing.assign";
    public const string FirstResponseKind = "routing.first_response";

    private const long AdvisoryLockKey = 0x4b6566755f52; // "Kefu_R"

    /// <summary>Called when a conversation is created, in its transaction: queues its routing when anyone routes automatically.</summary>
    public static async Task QueueNewAsync(KefuDbContext db, Conversation conversation, DateTimeOffset now, CancellationToken ct)
    {
        if (conversation.AssigneeId is not null || conversation.Status is not (ConversationStatus.New or ConversationStatus.Open))
        {
            return;
        }

        var auto = await db.RoutingConfig.AsNoTracking().Select(c => (bool?)c.AutoAssign).FirstOrDefaultAsync(ct) == true
            || await db.TeamRouting.AnyAsync(t => t.AutoAssign, ct);
        if (auto)
        {
            JobQueue.Enqueue(db, AssignKind, new RouteConversation(conversation.Id), now, conversationId: conversation.Id);
        }
    }

    public static async Task<RoutingConfig> ConfigAsync(KefuDbContext db, CancellationToken ct) =>
        await db.RoutingConfig.AsNoTracking().FirstOrDefaultAsync(ct) ?? RoutingConfig.Default(DateTimeOffset.UnixEpoch);

    public static async Task LockAsync(KefuDbContext db, CancellationToken ct)
    {
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);
        }
    }

    /// <summary>
    /// Routes a waiting conversation (unassigned, new or open): to an agent when one is eligible (an offer with its
    /// timer), else into its team's queue. Null when it no longer waits (taken, resolved) or its team routes by hand.
    /// Call inside a transaction after <see cref="LockAsync"/>.
    /// </summary>
    public static async Task<Routed?> RouteWaitingAsync(KefuDbContext db, Guid conversationId, DateTimeOffset now, CancellationToken ct)
    {
        var conversation = await LoadAsync(db, conversationId, ct);
        var state = await db.ConversationRouting.FirstOrDefaultAsync(r => r.ConversationId == conversationId, ct);
        if (conversation is null || conversation.AssigneeId is not null || conversation.MergedIntoId is not null
            || conversation.Status is not (ConversationStatus.New or ConversationStatus.Open))
        {
            state?.Dequeue(now);
            return null;
        }

        var config = await ConfigAsync(db, ct);
        var teams = await db.TeamRouting.AsNoTracking().ToListAsync(ct);
        var request = await RequestAsync(db, conversation, state, [], ct);
        var (teamId, _) = Router.TeamFor(request, config.ToSettings(teams));
        var rule = teams.FirstOrDefault(t => t.TeamId == teamId);
        if (!(rule?.AutoAssign ?? config.AutoAssign))
        {
            state?.Dequeue(now);
            return null;
        }

        if (state is null)
        {
            state = ConversationRouting.Create(conversation.Id, now);
            db.ConversationRouting.Add(state);
        }

        // The answer bot has the chat until it hands off: it waits in its team's queue meanwhile and is served from there.
        if (await Assistant.BotSessions.IsBotHandlingAsync(db, conversation.Id, ct))
        {
            state.Queue(teamId, conversation.CreatedAt, now);
            return new Routed(conversation, false, []);
        }

        var decision = await DecideAsync(db, conversation, request, config, teams, now, ct);
        if (decision.AgentId is not { } agentId)
        {
            state.Queue(decision.TeamId, conversation.CreatedAt, now);
            return new Routed(conversation, false, []);
        }

        var notifications = new List<Notification>();
        await OfferAsync(db, conversation, state, decision, config, Actor.System, now, ct);
        notifications.Add(Notification.Create(agentId, NotificationKind.Assigned, conversation.Id, conversation.Number, "routing", conversation.Subject, now));
        db.Notifications.AddRange(notifications);
        return new Routed(conversation, true, notifications);
    }

    /// <summary>
    /// The first-response timer of an offer fired: if the agent has not answered, the conversation goes to the next
    /// eligible agent (everyone offered before is excluded) and the supervisors are told; with nobody else available it
    /// stays with the agent. A stale timer (answered, reassigned, closed) only closes the offer.
    /// </summary>
    public static async Task<Routed?> FirstResponseDueAsync(KefuDbContext db, FirstResponseCheck check, DateTimeOffset now, CancellationToken ct)
    {
        var conversation = await LoadAsync(db, check.ConversationId, ct);
        var state = await db.ConversationRouting.FirstOrDefaultAsync(r => r.ConversationId == check.ConversationId, ct);
        if (conversation is null || state is null || state.Offers.Count == 0)
        {
            return null;
        }

        var pending = state.Offers[^1];
        if (pending.Outcome != OfferOutcome.Pending || pending.AgentId != check.AgentId || pending.OfferedAt != check.OfferedAt)
        {
            return null;
        }

        if (conversation.FirstResponseAt is { } answered)
        {
            state.SetOffers(FirstResponseTimeout.Answered(state.Offers, answered), now);
            return null;
        }

        if (conversation.AssigneeId != check.AgentId || conversation.Status is not (ConversationStatus.New or ConversationStatus.Open))
        {
            state.SetOffers(FirstResponseTimeout.Withdrawn(state.Offers, now), now);
            return null;
        }

        if (FirstResponseTimeout.Check(state.Offers, conversation.FirstResponseAt, now) is not { } reoffer)
        {
            return null;
        }

        state.SetOffers(reoffer.Offers, now);
        var config = await ConfigAsync(db, ct);
        var teams = await db.TeamRouting.AsNoTracking().ToListAsync(ct);
        var request = await RequestAsync(db, conversation, state, reoffer.Excluded, ct);
        var decision = await DecideAsync(db, conversation, request, config, teams, now, ct);
        var names = await db.Agents.AsNoTracking().Where(a => a.Id == check.AgentId || a.Id == decision.AgentId)
            .ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        var late = names.GetValueOrDefault(check.AgentId, "?");
        var minutes = (int)Math.Round(config.Reoffer().For(conversation.Channel)?.TotalMinutes ?? 0);
        var notifications = new List<Notification>();
        string text;
        if (decision.AgentId is { } next)
        {
            await OfferAsync(db, conversation, state, decision, config, Actor.System, now, ct);
            text = $"{late} did not answer within {minutes} min: offered to {names.GetValueOrDefault(next, "?")}.";
            notifications.Add(Notification.Create(next, NotificationKind.Routing, conversation.Id, conversation.Number, "routing",
                $"Re-offered to you: {late} did not answer within {minutes} min.", now));
        }
        else
        {
            text = $"{late} did not answer within {minutes} min and no other agent is available: it stays with {late}.";
        }

        db.Activities.Add(ActivityEntry.Create(Actor.System, now, "conversation", conversation.Id, "first_response_timeout", new("assigneeId", check.AgentId.ToString(), decision.AgentId?.ToString())));
        foreach (var supervisor in await SupervisorsAsync(db, conversation.TeamId, ct))
        {
            notifications.Add(Notification.Create(supervisor, NotificationKind.Routing, conversation.Id, conversation.Number, "routing", text, now));
        }

        db.Notifications.AddRange(notifications);
        return new Routed(conversation, decision.AgentId is not null, notifications);
    }

    /// <summary>Active supervisors and admins of the team (or all of them when the team has none).</summary>
    public static async Task<List<Guid>> SupervisorsAsync(KefuDbContext db, Guid? teamId, CancellationToken ct)
    {
        var supervisors = await db.Agents.AsNoTracking().Where(a => a.IsActive && a.Role != AgentRole.Agent).ToListAsync(ct);
        var ofTeam = supervisors.Where(a => teamId is null || a.TeamIds.Contains(teamId.Value)).ToList();
        return (ofTeam.Count > 0 ? ofTeam : supervisors).Select(a => a.Id).ToList();
    }

    /// <summary>After the commit: tell screens about the conversation and the notified agents.</summary>
    public static async Task PublishAsync(KefuDbContext db, RealtimePublisher realtime, Routed routed, CancellationToken ct)
    {
        if (routed.Changed)
        {
            await realtime.ConversationChangedAsync(ConversationDto.From(routed.Conversation, await ConversationCommands.CustomerNameAsync(db, routed.Conversation.CustomerId, ct)));
        }

        foreach (var n in routed.Notifications)
        {
            await realtime.PublishAsync(new NotificationCreated(n.AgentId, n.Id, WorkspaceNotifications.KindName(n.Kind), n.ConversationId, n.ConversationNumber, n.ActorName, n.Preview));
        }
    }

    private static async Task OfferAsync(
        KefuDbContext db, Conversation conversation, ConversationRouting state, RoutingDecision decision, RoutingConfig config, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var patch = new ConversationPatch(
            AssigneeId: decision.AgentId,
            TeamId: decision.TeamId is { } team && team != conversation.TeamId ? team : Optional<Guid?>.Absent);
        var changes = conversation.Apply(patch, now);
        if (changes.IsOk)
        {
            db.Activities.AddRange(ActivityEntry.Updated(actor, now, "conversation", conversation.Id, changes.Value));
        }

        var (_, hours) = await SlaRefresh.PolicyForAsync(db, conversation, ct);
        // Only an unanswered conversation has a first-response deadline (a transfer of an answered one has none).
        var offer = FirstResponseTimeout.Offer(decision, conversation.Channel, conversation.FirstResponseAt is null ? config.Reoffer() : new ReofferSettings(new Dictionary<Channel, TimeSpan>()), hours, now);
        state.Offer(offer, now);
        db.Activities.Add(ActivityEntry.Create(actor, now, "conversation", conversation.Id, "routed", new("reason", null, WireName.Of(decision.Reason))));
        if (offer.ExpiresAt is { } expires)
        {
            JobQueue.Enqueue(db, FirstResponseKind, new FirstResponseCheck(conversation.Id, offer.AgentId, offer.OfferedAt), now,
                dedupeKey: $"{FirstResponseKind}:{conversation.Id:N}:{offer.OfferedAt.UtcTicks}", conversationId: conversation.Id, runAt: expires);
        }

        await SlaRefresh.ApplyAsync(db, conversation, now, ct);
    }

    /// <summary>Routes with the current agents, their load on the conversation's channel and their last turn.</summary>
    private static async Task<RoutingDecision> DecideAsync(
        KefuDbContext db, Conversation conversation, RoutingRequest request, RoutingConfig config, List<TeamRoutingRule> teams, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - Agent.HeartbeatTimeout;
        var agents = await db.Agents.AsNoTracking().Where(a => a.IsActive && a.Presence == Presence.Online && a.LastSeenAt >= since).ToListAsync(ct);
        var ids = agents.Select(a => a.Id).ToList();
        var channel = conversation.Channel;
        var loads = await db.Conversations.AsNoTracking()
            .Where(c => c.AssigneeId != null && ids.Contains(c.AssigneeId.Value) && c.Channel == channel && c.Id != conversation.Id
                        && (c.Status == ConversationStatus.New || c.Status == ConversationStatus.Open))
            .GroupBy(c => c.AssigneeId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var turns = await db.ConversationRouting.AsNoTracking().Where(r => r.LastAgentId != null && ids.Contains(r.LastAgentId.Value))
            .GroupBy(r => r.LastAgentId!.Value).Select(g => new { g.Key, At = g.Max(r => r.LastOfferedAt) }).ToListAsync(ct);
        var lastTurn = turns.ToDictionary(t => t.Key, t => t.At);
        var pool = agents.Select(a => RoutingAgent.From(a, channel, loads.GetValueOrDefault(a.Id), lastTurn.GetValueOrDefault(a.Id), now)).ToList();
        return Router.Route(request, pool, config.ToSettings(teams), now);
    }

    private static async Task<RoutingRequest> RequestAsync(KefuDbContext db, Conversation conversation, ConversationRouting? state, IReadOnlyCollection<Guid> excluded, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == conversation.CustomerId).Select(c => new { c.Tags, c.Language }).FirstOrDefaultAsync(ct);
        var previous = await db.Conversations.AsNoTracking()
            .Where(c => c.CustomerId == conversation.CustomerId && c.Id != conversation.Id && c.AssigneeId != null && c.CreatedAt <= conversation.CreatedAt)
            .OrderByDescending(c => c.CreatedAt).Select(c => c.AssigneeId).FirstOrDefaultAsync(ct);
        var vip = customer?.Tags.Any(t => string.Equals(t, CustomerSegments.VipTag, StringComparison.OrdinalIgnoreCase)) == true;
        return new RoutingRequest(conversation.Channel, conversation.CategoryId, customer?.Language, vip, conversation.TeamId, previous,
            state?.QueuedSince ?? conversation.CreatedAt, excluded);
    }

    /// <summary>Loads the conversation for change, holding its row (FOR UPDATE on PostgreSQL; SQLite's transaction holds the write lock).</summary>
    internal static async Task<Conversation?> LoadAsync(KefuDbContext db, Guid id, CancellationToken ct) => db.IsPostgres
        ? (await db.Conversations.FromSql($"""SELECT * FROM "Conversations" WHERE "Id" = {id} FOR UPDATE""").ToListAsync(ct)).SingleOrDefault()
        : await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, ct);
}
