using Kefu.Core.Tickets;
using Kefu.Server.Features.Conversations;

namespace Kefu.Server.Tests.Conversations;

public sealed class ConversationMergeTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Merge_MovesMessagesAndClosesTheSourcePointingToTheTarget(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var source = (await agent.Http.CreateConversationAsync(Api.NewConversation(text: "source 1", tags: [tag, "from-source"]))).Conversation;
        await agent.Http.PostJsonAsync($"{Api.Conversations}/{source.Id}/messages", new { text = "source 2" }).ExpectAsync(HttpStatusCode.Created);
        var target = (await agent.Http.CreateConversationAsync(Api.NewConversation(text: "target 1", tags: [tag]))).Conversation;

        var merged = await agent.Http.PostJsonAsync($"{Api.Conversations}/{source.Id}/merge", new { targetId = target.Id })
            .ReadAsync<ConversationDto>(HttpStatusCode.OK);

        Assert.Equal(target.Id, merged.Id);
        Assert.Equal(3, merged.MessageCount);
        Assert.Contains("from-source", merged.Tags);
        var targetDetail = await agent.Http.GetConversationAsync(target.Id);
        Assert.Equal(["source 1", "source 2", "target 1"], targetDetail.Messages.Select(m => m.Text).Order());
        Assert.All(targetDetail.Messages, m => Assert.Equal(target.Id, m.ConversationId));
        var sourceDetail = await agent.Http.GetConversationAsync(source.Id);
        Assert.Empty(sourceDetail.Messages);
        Assert.Equal(ConversationStatus.Closed, sourceDetail.Conversation.Status);
        Assert.Equal(target.Id, sourceDetail.Conversation.MergedIntoId);
        Assert.NotNull(sourceDetail.Conversation.ClosedAt);
        Assert.Equal([target.Id], (await agent.Http.ListConversationsAsync($"tag={tag}")).Items.Select(c => c.Id));
        Assert.Contains(await agent.Http.ActivityAsync($"{Api.Conversations}/{source.Id}/activity"),
            a => a is { Field: "mergedInto" } && a.After == $"#{target.Number}");
        Assert.Contains(await agent.Http.ActivityAsync($"{Api.Conversations}/{target.Id}/activity"),
            a => a is { Action: "merged", Field: "mergedFrom" } && a.After == $"#{source.Number}");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Merge_Again_Returns409AndTheMergedSourceRefusesChanges(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var source = (await agent.Http.CreateConversationAsync()).Conversation;
        var target = (await agent.Http.CreateConversationAsync()).Conversation;
        var other = (await agent.Http.CreateConversationAsync()).Conversation;
        await agent.Http.PostJsonAsync($"{Api.Conversations}/{source.Id}/merge", new { targetId = target.Id }).ExpectAsync(HttpStatusCode.OK);

        await agent.Http.PostJsonAsync($"{Api.Conversations}/{source.Id}/merge", new { targetId = target.Id }).ProblemAsync(HttpStatusCode.Conflict);
        await agent.Http.PostJsonAsync($"{Api.Conversations}/{source.Id}/merge", new { targetId = other.Id }).ProblemAsync(HttpStatusCode.Conflict);
        await agent.Http.PostJsonAsync($"{Api.Conversations}/{other.Id}/merge", new { targetId = source.Id }).ProblemAsync(HttpStatusCode.Conflict);
        await agent.Http.PatchJsonAsync($"{Api.Conversations}/{source.Id}", new { priority = "high" }).ProblemAsync(HttpStatusCode.Conflict);
        await agent.Http.PostJsonAsync($"{Api.Conversations}/{source.Id}/messages", new { kind = "note", text = "x" }).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(1, (await agent.Http.GetConversationAsync(other.Id)).Conversation.MessageCount);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Merge_InvalidTarget_Returns400NamingTargetId(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var source = (await agent.Http.CreateConversationAsync()).Conversation;
        var url = $"{Api.Conversations}/{source.Id}/merge";

        (await agent.Http.PostJsonAsync(url, "{}").ProblemAsync(HttpStatusCode.BadRequest)).Field("targetId");
        (await agent.Http.PostJsonAsync(url, new { targetId = source.Id }).ProblemAsync(HttpStatusCode.BadRequest)).Field("targetId");
        (await agent.Http.PostJsonAsync(url, new { targetId = Guid.NewGuid() }).ProblemAsync(HttpStatusCode.BadRequest)).Field("targetId");

        Assert.Null((await agent.Http.GetConversationAsync(source.Id)).Conversation.MergedIntoId);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Merge_UnknownSource_Returns404Problem(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var target = (await agent.Http.CreateConversationAsync()).Conversation;

        await agent.Http.PostJsonAsync($"{Api.Conversations}/{Guid.NewGuid()}/merge", new { targetId = target.Id }).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Merge_IntoClosedTarget_Returns409(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var source = (await agent.Http.CreateConversationAsync()).Conversation;
        var target = (await agent.Http.CreateConversationAsync()).Conversation;
        await agent.Http.PatchConversationAsync(target.Id, new { status = "resolved" });
        await agent.Http.PatchConversationAsync(target.Id, new { status = "closed" });

        await agent.Http.PostJsonAsync($"{Api.Conversations}/{source.Id}/merge", new { targetId = target.Id }).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Single((await agent.Http.GetConversationAsync(source.Id)).Messages);
    }
}
