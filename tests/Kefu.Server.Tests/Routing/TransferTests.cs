using Kefu.Core.Agents;
using Kefu.Core.Routing;
using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Routing;

public sealed class TransferTests(Apps apps) : ServerTest(apps)
{
    [Theory, MemberData(nameof(Providers))]
    public async Task Transfer_AgentToAgent_HandoverNoteCustomerToldNewOwnerNotified(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var team = await RoutingTests.NewTeamAsync(admin);
        var from = await app.CreateAgentAsync(teamIds: [team], name: "李娜 " + Unique.Id());
        var to = await app.CreateAgentAsync(teamIds: [team], name: "王强 " + Unique.Id());
        var created = (await admin.Http.CreateConversationAsync(Api.NewConversation(teamId: team, assigneeId: from.Id, text: "我的订单还没到"))).Conversation;
        var key = Unique.Id();

        var moved = await from.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/transfer", new { agentId = to.Id, note = "客户订单 8812 物流停滞，已联系仓库", clientRequestId = key })
            .ReadAsync<ConversationDto>(HttpStatusCode.OK);
        await from.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/transfer", new { agentId = to.Id, note = "客户订单 8812 物流停滞，已联系仓库", clientRequestId = key })
            .ReadAsync<ConversationDto>(HttpStatusCode.OK);   // a retry changes nothing

        Assert.Equal(to.Id, moved.AssigneeId);
        var detail = await to.Http.GetConversationAsync(created.Id);
        var note = Assert.Single(detail.Messages, m => m.Kind == MessageKind.Note);
        Assert.Contains("客户订单 8812 物流停滞", note.Text);
        Assert.Equal(from.Id, note.AuthorId);
        var notice = Assert.Single(detail.Messages, m => m.Kind == MessageKind.Outbound);
        Assert.Equal(AuthorKind.System, notice.AuthorKind);
        Assert.Contains("正在为您转接至", notice.Text);
        Assert.Null(detail.Conversation.FirstResponseAt);    // the notice is not an answer
        var notification = await app.DbAsync(d => d.Notifications.AsNoTracking().SingleAsync(n => n.AgentId == to.Id && n.ConversationId == created.Id && n.Kind == NotificationKind.Transfer));
        Assert.Contains("8812", notification.Preview);
        var offer = (await RoutingTests.RoutingOfAsync(admin, created.Id)).Offers.Single();
        Assert.Equal((to.Id, RoutingReason.Transfer), (offer.AgentId, offer.Reason));
        Assert.Contains(await admin.Http.ActivityAsync($"{Api.Conversations}/{created.Id}/activity"), a => a.Action == "transferred");
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Transfer_ToTeam_UnassignedInTheTeamAndMembersNotified(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var first = await RoutingTests.NewTeamAsync(admin);
        var second = await RoutingTests.NewTeamAsync(admin);
        var agent = await app.CreateAgentAsync(teamIds: [first]);
        var member = await app.CreateAgentAsync(teamIds: [second]);
        var customer = await admin.Http.CreateCustomerAsync("Ann " + Unique.Id());
        await admin.Http.PatchJsonAsync($"{Api.Customers}/{customer.Id}", new { language = "en" }).ExpectAsync(HttpStatusCode.OK);
        var created = (await admin.Http.CreateConversationAsync(Api.NewConversation(customerId: customer.Id, teamId: first, assigneeId: agent.Id))).Conversation;

        var moved = await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/transfer", new { teamId = second, note = "Billing question, needs the finance team" })
            .ReadAsync<ConversationDto>(HttpStatusCode.OK);

        Assert.Equal((null, second), (moved.AssigneeId, moved.TeamId));
        Assert.Contains((await admin.Http.GetConversationAsync(created.Id)).Messages, m => m.Kind == MessageKind.Outbound && m.Text.StartsWith("We are transferring you to"));
        Assert.True(await app.DbAsync(d => d.Notifications.AnyAsync(n => n.AgentId == member.Id && n.ConversationId == created.Id && n.Kind == NotificationKind.Transfer)));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Transfer_BadInput_FieldErrorsAndNothingWritten(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync(AgentRole.Supervisor);
        var created = (await admin.Http.CreateConversationAsync(Api.NewConversation(assigneeId: agent.Id))).Conversation;

        var none = await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/transfer", new { note = "" }).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("agentId", none.Fields);
        Assert.Contains("note", none.Fields);
        var unknown = await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/transfer", new { agentId = Guid.NewGuid(), teamId = Guid.NewGuid(), note = "x" }).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("agentId", unknown.Fields);
        Assert.Contains("teamId", unknown.Fields);
        await agent.Http.PostJsonAsync($"{Api.Conversations}/{Guid.NewGuid()}/transfer", new { agentId = agent.Id, note = "x" }).ProblemAsync(HttpStatusCode.NotFound);

        var detail = await admin.Http.GetConversationAsync(created.Id);
        Assert.Single(detail.Messages);
        Assert.Equal(agent.Id, detail.Conversation.AssigneeId);
    }
}
