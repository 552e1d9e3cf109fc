using Kefu.Core.Agents;
using Kefu.Core.Promises;
using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Kefu.Data;
using Kefu.Server.Features.Promises;
using Kefu.Server.Tests.Routing;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Promises;

/// <summary>Promises and follow-ups on the server whose clock is a FakeTimeProvider: reminders are jobs due at their instant.</summary>
public sealed class PromiseTests(Apps apps) : ServerTest(apps)
{
    [Theory, MemberData(nameof(Providers))]
    public async Task Promise_ReminderThenOverdue_EachOnceWithProgressMessage(string db)
    {
        var app = await FakeClockAppAsync(db);
        var admin = await app.AdminAsync();
        var team = await RoutingTests.NewTeamAsync(admin);
        var agent = await app.CreateAgentAsync(teamIds: [team]);
        var supervisor = await app.CreateAgentAsync(AgentRole.Supervisor, teamIds: [team]);
        var created = (await admin.Http.CreateConversationAsync(Api.NewConversation(teamId: team, assigneeId: agent.Id))).Conversation;
        var due = app.Clock!.GetUtcNow().AddMinutes(60);

        var promise = await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/promises", new { text = "18:00 前回电确认退款", dueAt = due, customerMessage = "我们会在 18:00 前给您回电。" })
            .ReadAsync<PromiseDto>(HttpStatusCode.Created);
        Assert.Equal((PromiseStatus.Open, 15, agent.Id), (promise.Status, promise.RemindMinutes, promise.AgentId));
        Assert.Contains((await agent.Http.GetConversationAsync(created.Id)).Messages, m => m is { Kind: MessageKind.Outbound, Text: "我们会在 18:00 前给您回电。" });
        Assert.Contains(await agent.Http.GetAsync("/api/v1/promises").ReadAsync<List<PromiseDto>>(HttpStatusCode.OK), p => p.Id == promise.Id);
        Assert.DoesNotContain(await supervisor.Http.GetAsync("/api/v1/promises").ReadAsync<List<PromiseDto>>(HttpStatusCode.OK), p => p.Id == promise.Id);

        app.Clock.Advance(TimeSpan.FromMinutes(44));
        await Task.Delay(400);
        Assert.Empty(await NotificationsAsync(app, created.Id));
        app.Clock.Advance(TimeSpan.FromMinutes(1));                          // 15 minutes before: the reminder
        await Eventually.TrueAsync(async () => (await NotificationsAsync(app, created.Id)).Count == 1, "the reminder");
        app.Clock.Advance(TimeSpan.FromMinutes(15));                         // due: the overdue alert, to the agent and the supervisor
        await Eventually.TrueAsync(async () => (await NotificationsAsync(app, created.Id)).Count == 3, "the overdue alert");
        await Task.Delay(400);
        var sent = await NotificationsAsync(app, created.Id);
        Assert.Equal(2, sent.Count(n => n.AgentId == agent.Id));
        Assert.Single(sent, n => n.AgentId == supervisor.Id && n.Preview.StartsWith("Overdue"));
        var after = (await agent.Http.GetAsync($"{Api.Conversations}/{created.Id}/promises").ReadAsync<List<PromiseDto>>(HttpStatusCode.OK)).Single();
        Assert.True(after.Overdue);
        Assert.NotNull(after.RemindedAt);

        var kept = await agent.Http.PatchJsonAsync($"/api/v1/promises/{promise.Id}", new { status = "kept" }).ReadAsync<PromiseDto>(HttpStatusCode.OK);
        Assert.Equal(PromiseStatus.Kept, kept.Status);
        await agent.Http.PatchJsonAsync($"/api/v1/promises/{promise.Id}", new { status = "cancelled" }).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Promise_BadInput_FieldErrorsAndNothingWritten(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync(Api.NewConversation(assigneeId: agent.Id))).Conversation;

        var problem = await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/promises", new { text = " ", dueAt = DateTimeOffset.UtcNow.AddHours(-1), remindMinutes = -5 })
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("text", problem.Fields);
        Assert.Contains("dueAt", problem.Fields);
        Assert.Contains("remindMinutes", problem.Fields);
        Assert.Empty(await agent.Http.GetAsync($"{Api.Conversations}/{created.Id}/promises").ReadAsync<List<PromiseDto>>(HttpStatusCode.OK));
        var other = await app.CreateAgentAsync();
        var promise = await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/promises", new { text = "明天回复", dueAt = DateTimeOffset.UtcNow.AddDays(1) }).ReadAsync<PromiseDto>(HttpStatusCode.Created);
        await other.Http.PatchJsonAsync($"/api/v1/promises/{promise.Id}", new { status = "kept" }).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task FollowUp_ResolvedThenDue_AssigneeToldOnce_ReopenCancels(string db)
    {
        var app = await FakeClockAppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var category = await Sla.SlaApiTests.NewCategoryAsync(admin);
        var settings = await admin.Http.GetAsync("/api/v1/follow-up-settings").ReadAsync<FollowUpSettingsDto>(HttpStatusCode.OK);
        settings.CategoryHours[category] = 2;
        await admin.Http.PutJsonAsync("/api/v1/follow-up-settings", new { defaultHours = settings.DefaultHours, categoryHours = settings.CategoryHours }).ReadAsync<FollowUpSettingsDto>(HttpStatusCode.OK);
        var bad = await admin.Http.PutJsonAsync("/api/v1/follow-up-settings", new { defaultHours = -1, categoryHours = new Dictionary<Guid, int> { [Guid.NewGuid()] = 5 } }).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("defaultHours", bad.Fields);

        var kept = (await agent.Http.CreateConversationAsync(Api.NewConversation(assigneeId: agent.Id, categoryId: category))).Conversation;
        var reopened = (await agent.Http.CreateConversationAsync(Api.NewConversation(assigneeId: agent.Id, categoryId: category))).Conversation;
        await agent.Http.PatchConversationAsync(kept.Id, new { status = "resolved" });
        await agent.Http.PatchConversationAsync(reopened.Id, new { status = "resolved" });
        var scheduled = (await agent.Http.GetAsync($"{Api.Conversations}/{kept.Id}/follow-ups").ReadAsync<List<FollowUpDto>>(HttpStatusCode.OK)).Single();
        Assert.Equal(app.Clock!.GetUtcNow().AddHours(2), scheduled.DueAt);
        await agent.Http.PatchConversationAsync(reopened.Id, new { status = "open" });
        Assert.Equal(FollowUpStatus.Cancelled, (await agent.Http.GetAsync($"{Api.Conversations}/{reopened.Id}/follow-ups").ReadAsync<List<FollowUpDto>>(HttpStatusCode.OK)).Single().Status);
        Assert.Contains(await agent.Http.GetAsync("/api/v1/follow-ups").ReadAsync<List<FollowUpDto>>(HttpStatusCode.OK), f => f.Id == scheduled.Id);

        app.Clock.Advance(TimeSpan.FromHours(2));
        await Eventually.TrueAsync(async () => await app.DbAsync(d => d.Notifications.AnyAsync(n => n.ConversationId == kept.Id && n.Kind == NotificationKind.FollowUp && n.AgentId == agent.Id)), "the follow-up");
        await Task.Delay(400);
        Assert.False(await app.DbAsync(d => d.Notifications.AnyAsync(n => n.ConversationId == reopened.Id && n.Kind == NotificationKind.FollowUp)));
        Assert.Equal(1, await app.DbAsync(d => d.Notifications.CountAsync(n => n.ConversationId == kept.Id && n.Kind == NotificationKind.FollowUp)));

        var done = await agent.Http.PatchJsonAsync($"/api/v1/follow-ups/{scheduled.Id}", new { status = "done" }).ReadAsync<FollowUpDto>(HttpStatusCode.OK);
        Assert.Equal(FollowUpStatus.Done, done.Status);
    }

    private static Task<List<Notification>> NotificationsAsync(KefuApp app, Guid conversationId) =>
        app.DbAsync(d => d.Notifications.AsNoTracking().Where(n => n.ConversationId == conversationId && n.Kind == NotificationKind.Promise).ToListAsync());
}
