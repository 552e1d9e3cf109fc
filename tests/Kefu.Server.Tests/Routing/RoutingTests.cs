using Kefu.Core.Agents;
using Kefu.Core.Routing;
using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Customers;
using Kefu.Server.Features.Routing;
using Kefu.Server.Features.Workspace;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.Server.Tests.Routing;

/// <summary>
/// Routing on the server whose clock is a FakeTimeProvider. Every test routes within its own team (a team rule turns
/// auto-assignment on for it alone), so other tests' conversations never reach these agents.
/// </summary>
public sealed class RoutingTests(Apps apps) : ServerTest(apps)
{
    public const string Settings = "/api/v1/routing/settings";
    public const string Teams = "/api/v1/routing/teams";

    [Theory, MemberData(nameof(Providers))]
    public async Task Settings_BadInput_ProblemDetailsAndNothingChanged(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var before = await admin.Http.GetAsync(Settings).ReadAsync<RoutingSettingsDto>(HttpStatusCode.OK);

        var problem = await admin.Http.PutJsonAsync(Settings, new
        {
            autoAssign = true,
            vipTeamId = Guid.NewGuid(),
            firstResponseMinutes = new Dictionary<string, int> { ["chat"] = 0, ["fax"] = 3 },
        }).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("vipTeamId", problem.Fields);
        Assert.Contains("firstResponseMinutes.chat", problem.Fields);
        Assert.Contains("firstResponseMinutes.fax", problem.Fields);
        Assert.Equal(before.Version, (await admin.Http.GetAsync(Settings).ReadAsync<RoutingSettingsDto>(HttpStatusCode.OK)).Version);
        await agent.Http.PutJsonAsync(Settings, new { autoAssign = false }).ProblemAsync(HttpStatusCode.Forbidden);

        var team = await NewTeamAsync(admin);
        var bad = await admin.Http.PutJsonAsync($"{Teams}/{team}", new { strategy = "round_robin", overflowTeamId = team }).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("overflowTeamId", bad.Fields);
        Assert.Contains("overflowAfterMinutes", bad.Fields);
        await admin.Http.PutJsonAsync($"{Teams}/{Guid.NewGuid()}", new { strategy = "round_robin" }).ProblemAsync(HttpStatusCode.NotFound);

        var overflow = await NewTeamAsync(admin);
        var rule = await admin.Http.PutJsonAsync($"{Teams}/{team}", new { strategy = "round_robin", matchLanguage = false, overflowTeamId = overflow, overflowAfterMinutes = 3 })
            .ReadAsync<TeamRoutingDto>(HttpStatusCode.OK);
        Assert.Equal(RoutingStrategy.RoundRobin, rule.Strategy);
        Assert.True(rule.AutoAssign);
        Assert.False(rule.MatchLanguage);
        Assert.Contains(await admin.Http.GetAsync(Teams).ReadAsync<List<TeamRoutingDto>>(HttpStatusCode.OK), r => r.TeamId == team && r.OverflowAfterMinutes == 3);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.Http.DeleteAsync($"{Teams}/{team}")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task NewConversation_TeamAutoAssigns_LeastLoadedOnlineAgentGetsIt(string db)
    {
        var app = await FakeClockAppAsync(db);
        var admin = await app.AdminAsync();
        var team = await NewTeamAsync(admin);
        await admin.Http.PutJsonAsync($"{Teams}/{team}", new { strategy = "least_loaded" }).ReadAsync<TeamRoutingDto>(HttpStatusCode.OK);
        var busy = await app.CreateAgentAsync(teamIds: [team]);
        var free = await app.CreateAgentAsync(teamIds: [team]);
        var offline = await app.CreateAgentAsync(teamIds: [team]);
        await OnlineAsync(app, busy.Id, free.Id);
        await admin.Http.CreateConversationAsync(Api.NewConversation(teamId: team, assigneeId: busy.Id));

        var created = (await admin.Http.CreateConversationAsync(Api.NewConversation(teamId: team))).Conversation;

        var routed = await AssignedAsync(admin, created.Id);
        Assert.Equal(free.Id, routed.AssigneeId);
        var history = await RoutingOfAsync(admin, created.Id);
        var offer = Assert.Single(history.Offers);
        Assert.Equal((free.Id, RoutingReason.ConversationTeam, OfferOutcome.Pending), (offer.AgentId, offer.Reason, offer.Outcome));
        Assert.Equal(offer.OfferedAt.AddMinutes(2), offer.ExpiresAt);   // chat: 2 business minutes (the default policy runs 24/7)
        Assert.Null(history.QueuedSince);
        Assert.NotEqual(offline.Id, routed.AssigneeId);
        await OfflineAsync(app, busy.Id, free.Id);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task NewConversation_NobodyOnline_QueuedThenVipFirstWhenAnAgentComesOnline(string db)
    {
        var app = await FakeClockAppAsync(db);
        var admin = await app.AdminAsync();
        var team = await NewTeamAsync(admin);
        await admin.Http.PutJsonAsync($"{Teams}/{team}", new { strategy = "round_robin" }).ReadAsync<TeamRoutingDto>(HttpStatusCode.OK);
        var agent = await app.CreateAgentAsync(teamIds: [team]);
        await app.DbAsync(async d =>
        {
            var a = await d.Agents.FirstAsync(x => x.Id == agent.Id);
            a.SetChatCapacity(1);
            return await d.SaveChangesAsync();
        });
        var normal = (await admin.Http.CreateConversationAsync(Api.NewConversation(teamId: team))).Conversation;
        var vipCustomer = await admin.Http.PostJsonAsync(Api.Customers, new CreateCustomerRequest("贵宾 " + Unique.Id(), null, null, ["vip"], [new(Kefu.Core.Customers.IdentityKind.Email, null, Api.Email())]))
            .ReadAsync<CustomerDto>(HttpStatusCode.Created);
        var vip = (await admin.Http.CreateConversationAsync(Api.NewConversation(teamId: team, customerId: vipCustomer.Id))).Conversation;
        await Eventually.TrueAsync(async () => (await RoutingOfAsync(admin, vip.Id)).QueuedSince is not null && (await RoutingOfAsync(admin, normal.Id)).QueuedSince is not null, "both queued");

        await OnlineAsync(app, agent.Id);
        await DrainAsync(app);

        Assert.Equal(agent.Id, (await AssignedAsync(admin, vip.Id)).AssigneeId);        // the VIP waited less but goes first
        Assert.Null((await admin.Http.GetConversationAsync(normal.Id)).Conversation.AssigneeId);  // capacity 1: the other still waits
        Assert.NotNull((await RoutingOfAsync(admin, normal.Id)).QueuedSince);
        await OfflineAsync(app, agent.Id);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ReturningCustomer_PreviousAgentOnline_GetsThemBack(string db)
    {
        var app = await FakeClockAppAsync(db);
        var admin = await app.AdminAsync();
        var team = await NewTeamAsync(admin);
        await admin.Http.PutJsonAsync($"{Teams}/{team}", new { strategy = "least_loaded" }).ReadAsync<TeamRoutingDto>(HttpStatusCode.OK);
        var previous = await app.CreateAgentAsync(teamIds: [team]);
        var other = await app.CreateAgentAsync(teamIds: [team]);
        var customer = await admin.Http.CreateCustomerAsync("回头客 " + Unique.Id());
        await admin.Http.CreateConversationAsync(Api.NewConversation(customerId: customer.Id, teamId: team, assigneeId: previous.Id));
        await admin.Http.CreateConversationAsync(Api.NewConversation(teamId: team, assigneeId: previous.Id));   // busier than the other
        await OnlineAsync(app, previous.Id, other.Id);

        var again = (await admin.Http.CreateConversationAsync(Api.NewConversation(customerId: customer.Id, teamId: team))).Conversation;

        Assert.Equal(previous.Id, (await AssignedAsync(admin, again.Id)).AssigneeId);
        Assert.Equal(RoutingReason.PreviousAgent, (await RoutingOfAsync(admin, again.Id)).Offers.Single().Reason);
        await OfflineAsync(app, previous.Id, other.Id);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task FirstResponseTimeout_NoReply_ReofferedOnceToNextAgentAndSupervisorTold(string db)
    {
        var app = await FakeClockAppAsync(db);
        var admin = await app.AdminAsync();
        var team = await NewTeamAsync(admin);
        await admin.Http.PutJsonAsync($"{Teams}/{team}", new { strategy = "round_robin" }).ReadAsync<TeamRoutingDto>(HttpStatusCode.OK);
        var one = await app.CreateAgentAsync(teamIds: [team]);
        var two = await app.CreateAgentAsync(teamIds: [team]);
        var supervisor = await app.CreateAgentAsync(AgentRole.Supervisor, teamIds: [team]);
        await OnlineAsync(app, one.Id, two.Id);
        var created = (await admin.Http.CreateConversationAsync(Api.NewConversation(teamId: team))).Conversation;
        var first = (await AssignedAsync(admin, created.Id)).AssigneeId!.Value;
        var second = first == one.Id ? two : one;

        // 1 minute 59: nothing yet. 2 minutes: the durable timer (a job due then) re-offers it.
        await AdvanceAsync(app, TimeSpan.FromSeconds(119), one.Id, two.Id);
        await Task.Delay(500);
        Assert.Equal(first, (await admin.Http.GetConversationAsync(created.Id)).Conversation.AssigneeId);
        await AdvanceAsync(app, TimeSpan.FromSeconds(1), one.Id, two.Id);
        var reoffered = await Eventually.GetAsync(async () => (await admin.Http.GetConversationAsync(created.Id)).Conversation is { } c && c.AssigneeId == second.Id ? c : null, "the re-offer");

        var history = await RoutingOfAsync(admin, created.Id);
        Assert.Equal([(first, OfferOutcome.TimedOut), (second.Id, OfferOutcome.Pending)], history.Offers.Select(o => (o.AgentId, o.Outcome)));
        var notes = await app.DbAsync(d => d.Notifications.AsNoTracking().Where(n => n.ConversationId == created.Id && n.Kind == NotificationKind.Routing).ToListAsync());
        Assert.Single(notes, n => n.AgentId == supervisor.Id);
        Assert.Single(notes, n => n.AgentId == second.Id);

        // The new agent answers: their timer finds the answer and closes the offer; nothing moves again.
        await second.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/messages", new NewMessage(MessageKind.Outbound, "您好，我来帮您。", null, null, null)).ReadAsync<MessageDto>(HttpStatusCode.Created);
        await AdvanceAsync(app, TimeSpan.FromMinutes(3), one.Id, two.Id);
        await Eventually.TrueAsync(async () => await app.DbAsync(d => d.Jobs.AsNoTracking()
            .Where(j => j.ConversationId == created.Id && j.Kind == RoutingEngine.FirstResponseKind).AllAsync(j => j.State == JobState.Done)), "both timers ran");
        Assert.Equal(second.Id, (await admin.Http.GetConversationAsync(created.Id)).Conversation.AssigneeId);
        Assert.Equal([OfferOutcome.TimedOut, OfferOutcome.Answered], (await RoutingOfAsync(admin, created.Id)).Offers.Select(o => o.Outcome));
        var timers = await app.DbAsync(d => d.Jobs.AsNoTracking().Where(j => j.ConversationId == created.Id && j.Kind == RoutingEngine.FirstResponseKind).ToListAsync());
        Assert.Equal(2, timers.Count);
        Assert.All(timers, j => Assert.Equal(1, j.Attempts));
        Assert.Equal(reoffered.Id, created.Id);
        await OfflineAsync(app, one.Id, two.Id);
    }

    internal static async Task<Guid> NewTeamAsync(Caller admin) =>
        (await admin.Http.PostJsonAsync(Api.Teams, new { name = "Routing team " + Unique.Id() }).ReadAsync<TeamDto>(HttpStatusCode.Created)).Id;

    internal static async Task OnlineAsync(KefuApp app, params Guid[] agents)
    {
        var presence = app.Services.GetRequiredService<AgentPresence>();
        foreach (var id in agents)
        {
            await presence.SetAsync(id, Presence.Online, CancellationToken.None);
        }

        await presence.HeartbeatAsync(agents, CancellationToken.None);
    }

    internal static async Task OfflineAsync(KefuApp app, params Guid[] agents)
    {
        var presence = app.Services.GetRequiredService<AgentPresence>();
        foreach (var id in agents)
        {
            await presence.SetAsync(id, Presence.Offline, CancellationToken.None);
        }
    }

    /// <summary>Moves the fake clock; the agents keep their heartbeat (as their open workspace would).</summary>
    internal static async Task AdvanceAsync(KefuApp app, TimeSpan by, params Guid[] online)
    {
        app.Clock!.Advance(by);
        await app.Services.GetRequiredService<AgentPresence>().HeartbeatAsync(online, CancellationToken.None);
    }

    internal static async Task DrainAsync(KefuApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await RoutingWorker.DrainAsync(scope.ServiceProvider, app.Clock!.GetUtcNow(), 200, CancellationToken.None);
    }

    internal static Task<ConversationRoutingDto> RoutingOfAsync(Caller caller, Guid id) =>
        caller.Http.GetAsync($"{Api.Conversations}/{id}/routing").ReadAsync<ConversationRoutingDto>(HttpStatusCode.OK);

    internal static Task<ConversationDto> AssignedAsync(Caller caller, Guid id) =>
        Eventually.GetAsync(async () => (await caller.Http.GetConversationAsync(id)).Conversation is { AssigneeId: not null } c ? c : null, "the assignment");
}
