using Kefu.Core.Agents;
using Kefu.Core.Authority;
using Kefu.Core.Tickets;
using Kefu.Core.Webhooks;
using Kefu.Core.Workspace;
using Kefu.Server.Features.Authority;
using Kefu.Server.Tests.Routing;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Authority;

/// <summary>Delegated authority. The limits are one workspace row: every test here sets the same values.</summary>
public sealed class ApprovalTests(Apps apps) : ServerTest(apps)
{
    private const string Limits = "/api/v1/authority-limits";

    [Theory, MemberData(nameof(Providers))]
    public async Task Compensation_WithinLimitApproved_AboveWaitsForSupervisorWhoDecidesOnce(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        await SetLimitsAsync(admin);
        var team = await RoutingTests.NewTeamAsync(admin);
        var agent = await app.CreateAgentAsync(teamIds: [team]);
        var supervisor = await app.CreateAgentAsync(AgentRole.Supervisor, teamIds: [team]);
        var created = (await admin.Http.CreateConversationAsync(Api.NewConversation(teamId: team, assigneeId: agent.Id))).Conversation;
        var url = $"{Api.Conversations}/{created.Id}/compensations";

        var small = await agent.Http.PostJsonAsync(url, new { kind = "refund", amount = 50_00, reason = "运费补偿" }).ReadAsync<CompensationDto>(HttpStatusCode.Created);
        Assert.Equal((ApprovalStatus.Approved, agent.Id, "CNY"), (small.Status, small.DecidedById, small.Currency));

        var large = await agent.Http.PostJsonAsync(url, new { kind = "compensation", amount = 500_00, reason = "商品破损" }).ReadAsync<CompensationDto>(HttpStatusCode.Created);
        Assert.Equal(ApprovalStatus.Pending, large.Status);
        Assert.True(await app.DbAsync(d => d.Notifications.AnyAsync(n => n.AgentId == supervisor.Id && n.ConversationId == created.Id && n.Kind == NotificationKind.Approval)));
        Assert.Contains(await supervisor.Http.GetAsync("/api/v1/compensations").ReadAsync<List<CompensationDto>>(HttpStatusCode.OK), r => r.Id == large.Id);
        await agent.Http.PostJsonAsync($"/api/v1/compensations/{large.Id}/approve", new { }).ProblemAsync(HttpStatusCode.Forbidden);

        var approved = await supervisor.Http.PostJsonAsync($"/api/v1/compensations/{large.Id}/approve", new { note = "同意，破损照片已核实" }).ReadAsync<CompensationDto>(HttpStatusCode.OK);
        Assert.Equal((ApprovalStatus.Approved, supervisor.Id), (approved.Status, approved.DecidedById));
        await supervisor.Http.PostJsonAsync($"/api/v1/compensations/{large.Id}/reject", new { }).ProblemAsync(HttpStatusCode.Conflict);
        Assert.True(await app.DbAsync(d => d.Notifications.AnyAsync(n => n.AgentId == agent.Id && n.ConversationId == created.Id && n.Kind == NotificationKind.Approval)));

        var notes = (await agent.Http.GetConversationAsync(created.Id)).Messages.Where(m => m.Kind == MessageKind.Note).Select(m => m.Text).ToList();
        Assert.Equal(3, notes.Count);
        Assert.Contains(notes, n => n.Contains("500.00 CNY") && n.Contains("同意，破损照片已核实"));
        var trail = await agent.Http.ActivityAsync($"{Api.Conversations}/{created.Id}/activity");
        Assert.Contains(trail, a => a.Action == "compensation_approved" && a.ActorId == supervisor.Id);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Compensation_AboveSupervisorLimit_OnlyAnAdminApproves_AndBadInputIsAProblem(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        await SetLimitsAsync(admin);
        var agent = await app.CreateAgentAsync();
        var supervisor = await app.CreateAgentAsync(AgentRole.Supervisor);
        var created = (await admin.Http.CreateConversationAsync(Api.NewConversation(assigneeId: agent.Id))).Conversation;
        var url = $"{Api.Conversations}/{created.Id}/compensations";

        var bad = await agent.Http.PostJsonAsync(url, new { kind = "refund", amount = -1, reason = "" }).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("amount", bad.Fields);
        Assert.Contains("reason", bad.Fields);
        var badLimits = await admin.Http.PutJsonAsync(Limits, new { currency = "yuan", agentLimit = -5 }).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("currency", badLimits.Fields);
        Assert.Contains("agentLimit", badLimits.Fields);
        await agent.Http.PutJsonAsync(Limits, new { agentLimit = 1 }).ProblemAsync(HttpStatusCode.Forbidden);

        var huge = await agent.Http.PostJsonAsync(url, new { kind = "refund", amount = 5_000_00, reason = "整单退款" }).ReadAsync<CompensationDto>(HttpStatusCode.Created);
        await supervisor.Http.PostJsonAsync($"/api/v1/compensations/{huge.Id}/approve", new { }).ProblemAsync(HttpStatusCode.Forbidden);
        var rejected = await admin.Http.PostJsonAsync($"/api/v1/compensations/{huge.Id}/reject", new { note = "请先走退货流程" }).ReadAsync<CompensationDto>(HttpStatusCode.OK);
        Assert.Equal((ApprovalStatus.Rejected, "请先走退货流程"), (rejected.Status, rejected.DecisionNote));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Compensation_RequestAndDecision_AreWebhookEventsForIntegrations(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        await SetLimitsAsync(admin);
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await admin.Http.PostJsonAsync("/api/v1/webhooks", new
        {
            name = "ERP " + Unique.Id(), url = receiver.Url,
            eventTypes = new[] { WebhookEvents.CompensationRequested, WebhookEvents.CompensationDecided },
        }).ReadAsync<JsonElement>(HttpStatusCode.Created);
        try
        {
            var agent = await app.CreateAgentAsync();
            var created = (await admin.Http.CreateConversationAsync(Api.NewConversation(assigneeId: agent.Id))).Conversation;
            var large = await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/compensations", new { kind = "refund", amount = 300_00, reason = "漏发配件" })
                .ReadAsync<CompensationDto>(HttpStatusCode.Created);
            await admin.Http.PostJsonAsync($"/api/v1/compensations/{large.Id}/approve", new { note = "同意" }).ReadAsync<CompensationDto>(HttpStatusCode.OK);

            var requested = await receiver.WaitAsync(r => r.Body.Contains(large.Id.ToString()) && r.Body.Contains(WebhookEvents.CompensationRequested));
            var decided = await receiver.WaitAsync(r => r.Body.Contains(large.Id.ToString()) && r.Body.Contains(WebhookEvents.CompensationDecided));
            Assert.Equal("pending", requested.Json.GetProperty("data").GetProperty("status").GetString());
            Assert.Equal(30000, requested.Json.GetProperty("data").GetProperty("amount").GetInt64());
            Assert.Equal("approved", decided.Json.GetProperty("data").GetProperty("status").GetString());
            Assert.Equal("同意", decided.Json.GetProperty("data").GetProperty("decisionNote").GetString());
        }
        finally
        {
            await admin.Http.DeleteAsync($"/api/v1/webhooks/{subscription.GetProperty("id").GetGuid()}");
        }
    }

    private static Task<AuthorityLimitsDto> SetLimitsAsync(Caller admin) =>
        admin.Http.PutJsonAsync(Limits, new { currency = "CNY", agentLimit = 100_00, supervisorLimit = 1_000_00, adminLimit = (long?)null }).ReadAsync<AuthorityLimitsDto>(HttpStatusCode.OK);
}
