using Kefu.Core.Customers;
using Kefu.Server.Features.Conversations;

namespace Kefu.Server.Tests.Conversations;

/// <summary>Substring search in any language: ILIKE on PostgreSQL, LIKE on SQLite. Each search is narrowed to the test's own tag.</summary>
public sealed class ConversationSearchTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_TwoChineseCharactersInsideAMessage_FindsTheConversation(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var refund = (await agent.Http.CreateConversationAsync(tag, "您好，我想申请退款，订单号是 20240518。")).Conversation;
        await agent.Http.CreateConversationAsync(tag, "请问什么时候发货？");
        var later = (await agent.Http.CreateConversationAsync(tag, "包裹到了")).Conversation;
        await agent.Http.PostJsonAsync($"{Api.Conversations}/{later.Id}/messages", new { kind = "inbound", text = "但是我还是要退款" }).ExpectAsync(HttpStatusCode.Created);

        var found = await agent.Http.ListConversationsAsync($"tag={tag}&q={Api.Q("退款")}");

        Assert.Equal([later.Id, refund.Id], Ids(found));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_ChineseCustomerName_FindsTheConversation(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var wang = (await agent.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], customerName: "王小明", text: "hello"))).Conversation;
        await agent.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], customerName: "李雷", text: "hello"));

        Assert.Equal([wang.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&q={Api.Q("小明")}")));
        Assert.Equal("王小明", (await agent.Http.ListConversationsAsync($"tag={tag}&q={Api.Q("王小明")}")).Items.Single().CustomerName);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_EnglishIgnoresCaseInSubjectAndText(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var bySubject = (await agent.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], subject: "Broken ZIPPER on my jacket", text: "see subject"))).Conversation;
        var byText = (await agent.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], subject: "Delivery", text: "The Parcel never arrived at my door."))).Conversation;
        await agent.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], subject: "Other", text: "Nothing to see."));

        Assert.Equal([bySubject.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&q=zipper")));
        Assert.Equal([byText.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&q=pArCeL%20NEVER")));
        Assert.Empty((await agent.Http.ListConversationsAsync($"tag={tag}&q=banana")).Items);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_NotesAreSearchedToo(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var noted = (await agent.Http.CreateConversationAsync(tag, "hello")).Conversation;
        await agent.Http.CreateConversationAsync(tag, "hello");
        await agent.Http.PostJsonAsync($"{Api.Conversations}/{noted.Id}/messages", new { kind = "note", text = "Escalated to logistics team" }).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal([noted.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&q=LOGISTICS")));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_EmailIdentitySubstring_FindsTheConversation(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var local = "li.lei." + Unique.Id();
        var found = (await agent.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], email: $"{local}@Example.CN"))).Conversation;
        await agent.Http.CreateConversationAsync(Api.NewConversation(tags: [tag]));

        Assert.Equal([found.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&q={Api.Q(local[3..])}")));
        Assert.Equal([found.Id], Ids(await agent.Http.ListConversationsAsync($"q={Api.Q(local.ToUpperInvariant() + "@example")}")));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_PhoneIdentity_FindsTheConversation(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var digits = "1" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);
        var request = Api.NewConversation() with { Customer = new CustomerRef(IdentityKind.Phone, null, "+86 " + digits, null, null) };
        var found = (await agent.Http.CreateConversationAsync(request)).Conversation;

        Assert.Equal([found.Id], Ids(await agent.Http.ListConversationsAsync($"q={digits[2..]}")));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_TicketNumber_FindsTheConversation(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var wanted = (await agent.Http.CreateConversationAsync(tag)).Conversation;
        await agent.Http.CreateConversationAsync(tag);

        Assert.Equal([wanted.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&q={Api.Q($"#{wanted.Number}")}")));
        Assert.Equal([wanted.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&q={wanted.Number}")));
        Assert.Contains(wanted.Id, Ids(await agent.Http.ListConversationsAsync($"q={Api.Q($"#{wanted.Number}")}")));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_LikeWildcards_AreMatchedLiterally(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var percent = (await agent.Http.CreateConversationAsync(tag, "I am 100% sure it was broken")).Conversation;
        var underscore = (await agent.Http.CreateConversationAsync(tag, "file name was my_report.pdf")).Conversation;
        await agent.Http.CreateConversationAsync(tag, "plain words only");

        Assert.Equal([percent.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&q={Api.Q("%")}")));
        Assert.Equal([underscore.Id], Ids(await agent.Http.ListConversationsAsync($"tag={tag}&q={Api.Q("_")}")));
        Assert.Empty((await agent.Http.ListConversationsAsync($"tag={tag}&q={Api.Q("\\")}")).Items);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_CombinedWithPagination_PagesTheMatches(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var matches = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            matches.Add((await agent.Http.CreateConversationAsync(tag, $"订单 {i} 需要退款")).Conversation.Id);
            await agent.Http.CreateConversationAsync(tag, $"订单 {i} 已发货");
        }

        var first = await agent.Http.ListConversationsAsync($"tag={tag}&q={Api.Q("退款")}&limit=2");
        var second = await agent.Http.ListConversationsAsync($"tag={tag}&q={Api.Q("退款")}&limit=2&cursor={Api.Q(first.NextCursor!)}");
        var third = await agent.Http.ListConversationsAsync($"tag={tag}&q={Api.Q("退款")}&limit=2&cursor={Api.Q(second.NextCursor!)}");

        Assert.Equal(matches.AsEnumerable().Reverse(), Ids(first).Concat(Ids(second)).Concat(Ids(third)));
        Assert.Null(third.NextCursor);
    }

    private static List<Guid> Ids(Page<ConversationDto> page) => page.Items.Select(c => c.Id).ToList();
}
