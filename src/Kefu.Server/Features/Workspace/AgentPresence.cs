using System.Collections.Concurrent;
using Kefu.Core.Agents;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Workspace;

/// <summary>An agent as the workspace lists them: presence others see and chat load against capacity.</summary>
public sealed record AgentStatus(
    Guid Id, string DisplayName, string Email, AgentRole Role, IReadOnlyList<Guid> TeamIds, bool IsActive, Presence Presence,
    int OpenChats, int ChatCapacity)
{
    public static async Task<List<AgentStatus>> ListAsync(KefuDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var agents = await db.Agents.AsNoTracking().OrderBy(a => a.DisplayName).ToListAsync(ct);
        var load = await db.Conversations.AsNoTracking()
            .Where(c => c.Channel == Channel.Chat && c.AssigneeId != null && c.MergedIntoId == null
                && c.Status != ConversationStatus.Resolved && c.Status != ConversationStatus.Closed)
            .GroupBy(c => c.AssigneeId!.Value)
            .Select(g => new { AgentId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.AgentId, x => x.Count, ct);
        return agents.Select(a => new AgentStatus(
            a.Id, a.DisplayName, a.Email, a.Role, a.TeamIds, a.IsActive, a.EffectivePresence(now), load.GetValueOrDefault(a.Id), a.ChatCapacity)).ToList();
    }
}

/// <summary>
/// Presence of agents: what they choose (online, away, on break, offline) and whether a workspace is open. Every
/// open workspace circuit of this node is counted; while an agent has one, their LastSeenAt is refreshed every
/// 30 seconds (others read an agent silent for 90 seconds as offline). Each node heartbeats its own circuits.
/// </summary>
public sealed class AgentPresence(IDbContextFactory<KefuDbContext> dbs, RealtimePublisher realtime, TimeProvider clock, ILogger<AgentPresence> log)
    : BackgroundService
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Guid, int> circuits = new();

    /// <summary>Agents with a workspace open on this node.</summary>
    public IReadOnlyCollection<Guid> OpenAgents => circuits.Where(c => c.Value > 0).Select(c => c.Key).ToList();

    /// <summary>Counts a workspace circuit as open and marks the agent seen now; dispose the result when it closes.</summary>
    public async Task<IDisposable> OpenAsync(Guid agentId)
    {
        circuits.AddOrUpdate(agentId, 1, (_, n) => n + 1);
        var closer = new Closer(() => circuits.AddOrUpdate(agentId, 0, (_, n) => Math.Max(0, n - 1)));
        try
        {
            await HeartbeatAsync([agentId], CancellationToken.None);
        }
        catch (Exception e)
        {
            // The periodic heartbeat tries again; the circuit is counted either way.
            log.LogWarning(e, "Could not mark agent {AgentId} seen", agentId);
        }

        return closer;
    }

    /// <summary>Stores the agent's chosen presence (Agent.SetPresence) and tells every screen.</summary>
    public async Task<Presence?> SetAsync(Guid agentId, Presence presence, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == agentId, ct);
        if (agent is null)
        {
            return null;
        }

        var change = agent.SetPresence(presence, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        if (change is not null)
        {
            await realtime.PublishAsync(new PresenceChanged(agent.Id, agent.DisplayName, agent.Presence));
        }

        return agent.Presence;
    }

    /// <summary>
    /// Marks agents seen now (Agent.Heartbeat). An agent who had timed out becomes visible again, so others are told.
    /// </summary>
    public async Task HeartbeatAsync(IReadOnlyCollection<Guid> agentIds, CancellationToken ct)
    {
        if (agentIds.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var agents = await db.Agents.Where(a => agentIds.Contains(a.Id)).ToListAsync(ct);
        var back = new List<Agent>();
        foreach (var agent in agents)
        {
            var before = agent.EffectivePresence(now);
            agent.Heartbeat(now);
            if (agent.EffectivePresence(now) != before)
            {
                back.Add(agent);
            }
        }

        await db.SaveChangesAsync(ct);
        foreach (var agent in back)
        {
            await realtime.PublishAsync(new PresenceChanged(agent.Id, agent.DisplayName, agent.Presence));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(HeartbeatInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await HeartbeatAsync(OpenAgents, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Presence heartbeat failed; retrying at the next tick");
            }
        }
    }

    private sealed class Closer(Action close) : IDisposable
    {
        private int closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref closed, 1) == 0)
            {
                close();
            }
        }
    }
}
