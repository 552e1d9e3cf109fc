using Kefu.Core.Agents;
using Kefu.Core.Sla;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Sla;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.Server.Tests.Sla;

/// <summary>The SLA worker on a server whose clock is a FakeTimeProvider: warning, breach and escalations, each once.</summary>
public sealed class SlaWorkerTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Worker_WarningBreachAndEscalations_FireOnceAndAct(string db)
    {
        var app = await FakeClockAppAsync(db);
        var clock = app.Clock!;
        var admin = await app.AdminAsync();
        var team = await admin.Http.PostJsonAsync(Api.Teams, new { name = "Team " + Unique.Id() }).ReadAsync<TeamDto>(HttpStatusCode.Created);
        var supervisor = await app.CreateAgentAsync(AgentRole.Supervisor, teamIds: [team.Id]);
        var agent = await app.CreateAgentAsync(teamIds: [team.Id]);
        var category = await SlaApiTests.NewCategoryAsync(admin);
        await admin.Http.PostJsonAsync(SlaApiTests.Policies, new
        {
            name = "Worker policy " + Unique.Id(),
            position = 0,
            categoryIds = new[] { category },
            targets = new { firstResponseMinutes = 10 },
            escalations = new object[]
            {
                new { afterBreachMinutes = 0, actions = new[] { new { kind = "notify_supervisor" } } },
                new { afterBreachMinutes = 5, actions = new[] { new { kind = "raise_priority" } } },
            },
        }).ReadAsync<SlaPolicyDto>(HttpStatusCode.Created);
        var conversation = (await agent.Http.CreateConversationAsync(Api.NewConversation(categoryId: category, teamId: team.Id, assigneeId: agent.Id))).Conversation;
        Assert.Equal(clock.GetUtcNow().AddMinutes(10), conversation.Sla!.FirstResponseDueAt);

        Assert.Equal(0, await RunAsync(app, 7, conversation.Id));
        Assert.Equal(1, await RunAsync(app, 1, conversation.Id));                      // 8 minutes: the warning at 80%
        Assert.Equal(SlaClockStatus.AtRisk, (await SlaAsync(agent, conversation.Id)).Clocks.Single().Status);
        Assert.Equal(2, await RunAsync(app, 2, conversation.Id));                      // 10 minutes: breach and the first escalation
        Assert.Equal(0, await RunAsync(app, 0, conversation.Id));                      // nothing twice
        Assert.Equal(Priority.Normal, (await agent.Http.GetConversationAsync(conversation.Id)).Conversation.Priority);
        Assert.Equal(1, await RunAsync(app, 5, conversation.Id));                      // 15 minutes: the second level raises the priority

        var after = (await agent.Http.GetConversationAsync(conversation.Id)).Conversation;
        Assert.Equal(Priority.High, after.Priority);
        Assert.True(after.Sla!.FirstResponseBreached);
        var detail = await SlaAsync(agent, conversation.Id);
        Assert.Equal([SlaEventKind.Warning, SlaEventKind.Breach, SlaEventKind.Escalation, SlaEventKind.Escalation], detail.Events.Select(e => e.Kind));
        Assert.Equal(SlaClockStatus.Breached, detail.Clocks.Single().Status);

        var notified = await app.DbAsync(d => d.Notifications.Where(n => n.ConversationId == conversation.Id && n.Kind == Kefu.Core.Workspace.NotificationKind.Sla).Select(n => n.AgentId).ToListAsync());
        Assert.Equal(2, notified.Count(id => id == agent.Id));         // warning and breach to the assignee
        Assert.Equal(1, notified.Count(id => id == supervisor.Id));    // the escalation to the team's supervisor
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Worker_TwoWorkersAtOnce_RecordEachEventOnce(string db)
    {
        var app = await FakeClockAppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var category = await SlaApiTests.NewCategoryAsync(admin);
        await admin.Http.PostJsonAsync(SlaApiTests.Policies, new
        {
            name = "Race policy " + Unique.Id(),
            position = 0,
            categoryIds = new[] { category },
            targets = new { firstResponseMinutes = 3 },
            escalations = new object[] { new { afterBreachMinutes = 1, actions = new[] { new { kind = "raise_priority" } } } },
        }).ReadAsync<SlaPolicyDto>(HttpStatusCode.Created);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await agent.Http.CreateConversationAsync(Api.NewConversation(categoryId: category))).Conversation.Id);
        }

        app.Clock!.Advance(TimeSpan.FromMinutes(30));
        var now = app.Clock.GetUtcNow();
        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await SlaWorker.RunOnceAsync(scope.ServiceProvider, now, 2, CancellationToken.None);
        })));

        // Per conversation: breach and one escalation (the warning is passed over: its breach is due too).
        var stored = await app.DbAsync(d => d.SlaEvents.Where(e => ids.Contains(e.ConversationId)).ToListAsync());
        Assert.Equal(ids.Count * 2, stored.Count);
        Assert.True(runs.Sum() >= ids.Count * 2);                      // the total includes other tests' conversations on this clock
        Assert.All(ids, id => Assert.Equal([SlaEventKind.Breach, SlaEventKind.Escalation], stored.Where(e => e.ConversationId == id).OrderBy(e => e.Kind).Select(e => e.Kind)));
    }

    /// <summary>
    /// Moves the clock, runs the worker and returns the events it recorded for this test's conversation (other tests on
    /// the same fake-clock server leave conversations whose deadlines pass too: the worker's total counts theirs).
    /// </summary>
    private static async Task<int> RunAsync(KefuApp app, int minutes, Guid conversationId)
    {
        var before = await app.DbAsync(d => d.SlaEvents.CountAsync(e => e.ConversationId == conversationId));
        app.Clock!.Advance(TimeSpan.FromMinutes(minutes));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await SlaWorker.RunOnceAsync(scope.ServiceProvider, app.Clock.GetUtcNow(), 200, CancellationToken.None);
        }

        return await app.DbAsync(d => d.SlaEvents.CountAsync(e => e.ConversationId == conversationId)) - before;
    }

    private static Task<ConversationSlaDetail> SlaAsync(Caller agent, Guid id) =>
        agent.Http.GetAsync($"{Api.Conversations}/{id}/sla").ReadAsync<ConversationSlaDetail>(HttpStatusCode.OK);
}
