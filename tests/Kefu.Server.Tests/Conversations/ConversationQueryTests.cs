using Kefu.Core.Agents;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Conversations;

namespace Kefu.Server.Tests.Conversations;

public sealed class ConversationQueryTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Get_ById_ReturnsMessagesInOrderAndVersionAsETag(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = await agent.Http.CreateConversationAsync(text: "first");
        await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Conversation.Id}/messages", new { text = "second" }).ExpectAsync(HttpStatusCode.Created);

        var response = await agent.Http.GetAsync($"{Api.Conversations}/{created.Conversation.Id}");

        var detail = await response.ReadAsync<ConversationDetail>(HttpStatusCode.OK);
        Assert.Equal(["first", "second"], detail.Messages.Select(m => m.Text));
        Assert.Equal($"\"{detail.Conversation.Version}\"", response.Headers.ETag?.Tag);
        Assert.Equal(created.Conversation.Version + 1, detail.Conversation.Version);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Get_ByNumberWithOrWithoutHash_ReturnsTheConversation(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = await agent.Http.CreateConversationAsync();
        var number = created.Conversation.Number;

        var plain = await agent.Http.GetConversationAsync(number.ToString());
        var hashed = await agent.Http.GetConversationAsync($"#{number}");

        Assert.Equal(created.Conversation.Id, plain.Conversation.Id);
        Assert.Equal(created.Conversation.Id, hashed.Conversation.Id);
        Assert.Single(hashed.Messages);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Get_UnknownIdOrNumber_Returns404Problem(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        foreach (var unknown in new[] { Guid.NewGuid().ToString(), "99999999", "%2399999999", "not-a-number" })
        {
            var problem = await agent.Http.GetAsync($"{Api.Conversations}/{unknown}").ProblemAsync(HttpStatusCode.NotFound);
            Assert.Contains("was not found", problem.Detail);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_KeysetPages_CoverEveryConversationOnceInOrder(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await agent.Http.CreateConversationAsync(tag, $"message {i}")).Conversation.Id);
        }

        var seen = new List<ConversationDto>();
        var pages = new List<int>();
        string? cursor = null;
        do
        {
            var page = await agent.Http.ListConversationsAsync($"tag={tag}&limit=3" + (cursor is null ? "" : $"&cursor={Api.Q(cursor)}"));
            pages.Add(page.Items.Count);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null && pages.Count < 10);

        Assert.Equal([3, 3, 1], pages);
        Assert.Equal(ids.AsEnumerable().Reverse(), seen.Select(c => c.Id));
        Assert.Equal(seen.OrderByDescending(c => c.LastMessageAt).ThenByDescending(c => c.Number).Select(c => c.Id), seen.Select(c => c.Id));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_NewActivity_MovesAConversationToTheFront(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var older = await agent.Http.CreateConversationAsync(tag);
        var newer = await agent.Http.CreateConversationAsync(tag);

        await agent.Http.PostJsonAsync($"{Api.Conversations}/{older.Conversation.Id}/messages", new { text = "any news?", kind = "inbound" })
            .ExpectAsync(HttpStatusCode.Created);

        var page = await agent.Http.ListConversationsAsync($"tag={tag}");
        Assert.Equal([older.Conversation.Id, newer.Conversation.Id], page.Items.Select(c => c.Id));
        Assert.Null(page.NextCursor);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_InvalidCursorOrLimit_Returns400NamingTheParameter(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        (await agent.Http.GetAsync($"{Api.Conversations}?cursor=not-a-cursor").ProblemAsync(HttpStatusCode.BadRequest)).Field("cursor");
        (await agent.Http.GetAsync($"{Api.Conversations}?cursor={Api.Q("bm9wZQ")}").ProblemAsync(HttpStatusCode.BadRequest)).Field("cursor");
        (await agent.Http.GetAsync($"{Api.Conversations}?limit=0").ProblemAsync(HttpStatusCode.BadRequest)).Field("limit");
        (await agent.Http.GetAsync($"{Api.Conversations}?limit=101").ProblemAsync(HttpStatusCode.BadRequest)).Field("limit");
        (await agent.Http.GetAsync($"{Api.Conversations}?assignee=someone").ProblemAsync(HttpStatusCode.BadRequest)).Field("assignee");
        (await agent.Http.GetAsync($"{Api.Conversations}?status=done").ProblemAsync(HttpStatusCode.BadRequest)).Field("status");
        (await agent.Http.GetAsync($"{Api.Conversations}?channel=fax").ProblemAsync(HttpStatusCode.BadRequest)).Field("channel");
        (await agent.Http.GetAsync($"{Api.Conversations}?priority=asap").ProblemAsync(HttpStatusCode.BadRequest)).Field("priority");
        (await agent.Http.GetAsync($"{Api.Conversations}?q={new string('q', 201)}").ProblemAsync(HttpStatusCode.BadRequest)).Field("q");
        (await agent.Http.GetAsync($"{Api.Conversations}?team=abc").ProblemAsync(HttpStatusCode.BadRequest)).Field("team");
        (await agent.Http.GetAsync($"{Api.Conversations}?limit=ten").ProblemAsync(HttpStatusCode.BadRequest)).Field("limit");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_ByStatus_AcceptsSnakeCaseRepeatsAndCommaLists(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var fresh = (await agent.Http.CreateConversationAsync(tag)).Conversation;
        var pending = (await agent.Http.CreateConversationAsync(tag)).Conversation;
        var onHold = (await agent.Http.CreateConversationAsync(tag)).Conversation;
        await agent.Http.PatchConversationAsync(pending.Id, new { status = "pending" });
        await agent.Http.PatchConversationAsync(onHold.Id, new { status = "on_hold" });

        Assert.Equal([onHold.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&status=on_hold")));
        Assert.Equal([onHold.Id, pending.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&status=pending,on_hold")));
        Assert.Equal([onHold.Id, pending.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&status=pending&status=ON_HOLD")));
        Assert.Equal([fresh.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&status=new")));
        Assert.Equal([onHold.Id, pending.Id, fresh.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}")));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_ByAssignee_FiltersMeNoneAndAnId(string db)
    {
        var app = await AppAsync(db);
        var me = await app.CreateAgentAsync();
        var other = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var mine = (await me.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], assigneeId: me.Id))).Conversation;
        var theirs = (await me.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], assigneeId: other.Id))).Conversation;
        var nobody = (await me.Http.CreateConversationAsync(Api.NewConversation(tags: [tag]))).Conversation;

        Assert.Equal([mine.Id], Ids(await me.Http.ListConversationsAsync($"tag={tag}&assignee=me")));
        Assert.Equal([theirs.Id], Ids(await other.Http.ListConversationsAsync($"tag={tag}&assignee=me")));
        Assert.Equal([theirs.Id], Ids(await me.Http.ListConversationsAsync($"tag={tag}&assignee={other.Id}")));
        Assert.Equal([nobody.Id], Ids(await me.Http.ListConversationsAsync($"tag={tag}&assignee=none")));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_ByTeamCategoryChannelCustomerAndPriority_FiltersEach(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var team = await admin.Http.PostJsonAsync(Api.Teams, new { name = "Team " + Unique.Id() }).ReadAsync<TeamDto>(HttpStatusCode.Created);
        var category = await admin.Http.PostJsonAsync(Api.Categories, new { key = "c" + Unique.Id(), nameEn = "Test", nameZh = "测试" })
            .ReadAsync<CategoryDto>(HttpStatusCode.Created);
        var tag = Api.Tag();
        var plain = (await agent.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], channel: Channel.Chat))).Conversation;
        var teamed = (await agent.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], teamId: team.Id, channel: Channel.Email))).Conversation;
        var categorised = (await agent.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], categoryId: category.Id, channel: Channel.WebForm))).Conversation;
        var urgent = (await agent.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], priority: Priority.Urgent, channel: Channel.Api))).Conversation;

        Assert.Equal([teamed.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&team={team.Id}")));
        Assert.Equal([categorised.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&category={category.Id}")));
        Assert.Equal([categorised.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&channel=web_form")));
        Assert.Equal([teamed.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&channel=email")));
        Assert.Equal([urgent.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&priority=urgent")));
        Assert.Equal([plain.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&customer={plain.CustomerId}")));
        Assert.Equal([plain.Id], Ids(await agent.Http.ListConversationsAsync($"customer={plain.CustomerId}")));
        Assert.Equal([plain.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag.ToUpperInvariant()}&channel=chat")));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_CustomerName_FallsBackToTheIdentity(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var email = Api.Email();
        await agent.Http.CreateConversationAsync(Api.NewConversation(email: email, tags: [tag]));
        await agent.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], customerName: "李雷"));

        var names = (await agent.Http.ListConversationsAsync($"tag={tag}")).Items.Select(c => c.CustomerName);

        Assert.Equal(["李雷", email], names);
    }

    /// <summary>Regression: the list picked the fallback identity by the kind's stored name (external before phone), the detail by the kind's order (phone first).</summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_UnnamedCustomer_ShowsTheSameNameAsTheDetail(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var phone = "+86" + Random.Shared.NextInt64(10_000_000_000, 19_999_999_999);
        var customer = await agent.Http.CreateCustomerAsync(null,
            new(Kefu.Core.Customers.IdentityKind.External, "wechat", "wx-" + Unique.Id()), new(Kefu.Core.Customers.IdentityKind.Phone, null, phone));
        var created = (await agent.Http.CreateConversationAsync(Api.NewConversation(customerId: customer.Id, tags: [tag]))).Conversation;

        var listed = Assert.Single((await agent.Http.ListConversationsAsync($"tag={tag}")).Items);

        Assert.Equal(phone, customer.DisplayName);
        Assert.Equal(phone, (await agent.Http.GetConversationAsync(created.Id)).Conversation.CustomerName);
        Assert.Equal(phone, listed.CustomerName);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_AsSupervisorOrAdmin_IsAllowed(string db)
    {
        var app = await AppAsync(db);
        var supervisor = await app.CreateAgentAsync(AgentRole.Supervisor);
        var tag = Api.Tag();
        var created = await supervisor.Http.CreateConversationAsync(tag);

        Assert.Equal([created.Conversation.Id], Ids(await supervisor.Http.ListConversationsAsync($"tag={tag}")));
        Assert.Equal([created.Conversation.Id], Ids(await (await app.AdminAsync()).Http.ListConversationsAsync($"tag={tag}")));
    }

    private static List<Guid> Ids(Page<ConversationDto> page) => page.Items.Select(c => c.Id).ToList();
}
