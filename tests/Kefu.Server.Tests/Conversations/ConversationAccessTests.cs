using System.Net;
using Kefu.Core.Agents;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Conversations;

namespace Kefu.Server.Tests.Conversations;

/// <summary>The REST API applies the same access rule as the workspace and the agent hub.</summary>
public sealed class ConversationAccessTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AgentOfAnotherTeam_CannotSeeOrTouchTeamConversation_SupervisorCan(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var billing = await admin.Http.PostJsonAsync(Api.Teams, new { name = "Billing " + Unique.Id() }).ReadAsync<TeamDto>(HttpStatusCode.Created);
        var member = await app.CreateAgentAsync(teamIds: [billing.Id]);
        var outsider = await app.CreateAgentAsync();
        var supervisor = await app.CreateAgentAsync(AgentRole.Supervisor);
        var tag = Api.Tag();
        var teamed = (await member.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], teamId: billing.Id))).Conversation;
        var shared = (await member.Http.CreateConversationAsync(Api.NewConversation(tags: [tag]))).Conversation;

        // The outsider: the team's conversation is "not found" everywhere, the shared queue is visible.
        Assert.Equal([shared.Id], (await outsider.Http.ListConversationsAsync($"tag={tag}")).Items.Select(c => c.Id));
        await outsider.Http.GetAsync($"{Api.Conversations}/{teamed.Id}").ProblemAsync(HttpStatusCode.NotFound);
        await outsider.Http.GetAsync($"{Api.Conversations}/{teamed.Number}").ProblemAsync(HttpStatusCode.NotFound);
        await outsider.Http.PatchJsonAsync($"{Api.Conversations}/{teamed.Id}", new { priority = "urgent" }).ProblemAsync(HttpStatusCode.NotFound);
        await outsider.Http.PostJsonAsync($"{Api.Conversations}/{teamed.Id}/messages", new { text = "peek" }).ProblemAsync(HttpStatusCode.NotFound);
        await outsider.Http.GetAsync($"{Api.Conversations}/{teamed.Id}/activity").ProblemAsync(HttpStatusCode.NotFound);
        (await outsider.Http.PostJsonAsync($"{Api.Conversations}/{shared.Id}/merge", new { targetId = teamed.Id }).ProblemAsync(HttpStatusCode.BadRequest)).Field("targetId");
        var theirs = await outsider.Http.GetAsync($"{Api.Customers}/{teamed.CustomerId}/conversations").ReadAsync<Page<ConversationDto>>(HttpStatusCode.OK);
        Assert.DoesNotContain(theirs.Items, c => c.Id == teamed.Id);

        // Assigned to the outsider, it becomes theirs; the member and a supervisor always see it.
        await member.Http.PatchConversationAsync(teamed.Id, new { assigneeId = outsider.Id });
        Assert.Equal(teamed.Id, (await outsider.Http.GetConversationAsync(teamed.Id)).Conversation.Id);
        Assert.Equal(2, (await supervisor.Http.ListConversationsAsync($"tag={tag}")).Items.Count);
        Assert.Equal(2, (await member.Http.ListConversationsAsync($"tag={tag}")).Items.Count);
    }
}
