using Kefu.Core.Tickets;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Conversations;

public sealed class ConversationMessageTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddMessage_AgentReply_OpensTheConversationAndRecordsFirstResponse(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;

        var response = await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/messages", new { text = "  We are on it.  " });

        var message = await response.ReadAsync<MessageDto>(HttpStatusCode.Created);
        Assert.Equal(MessageKind.Outbound, message.Kind);
        Assert.Equal(AuthorKind.Agent, message.AuthorKind);
        Assert.Equal(agent.Id, message.AuthorId);
        Assert.Equal("We are on it.", message.Text);
        Assert.Equal(created.Id, message.ConversationId);
        var c = (await agent.Http.GetConversationAsync(created.Id)).Conversation;
        Assert.Equal(ConversationStatus.Open, c.Status);
        Assert.NotNull(c.FirstResponseAt);
        Assert.Equal(2, c.MessageCount);
        Assert.Equal(created.Version + 1, c.Version);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddMessage_Note_KeepsStatusAndLastMessageTime(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.GetConversationAsync((await agent.Http.CreateConversationAsync()).Conversation.Id)).Conversation;

        var note = await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/messages", new { kind = "note", text = "Customer is a VIP." })
            .ReadAsync<MessageDto>(HttpStatusCode.Created);

        Assert.Equal(MessageKind.Note, note.Kind);
        var c = (await agent.Http.GetConversationAsync(created.Id)).Conversation;
        Assert.Equal(ConversationStatus.New, c.Status);
        Assert.Null(c.FirstResponseAt);
        Assert.Equal(created.LastMessageAt, c.LastMessageAt);
        Assert.Equal(2, c.MessageCount);
        Assert.Contains(await agent.Http.ActivityAsync($"{Api.Conversations}/{created.Id}/activity"), a => a.Action == "note_added");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddMessage_InboundOnPending_ReopensTheConversation(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;
        await agent.Http.PatchConversationAsync(created.Id, new { status = "pending" });

        var inbound = await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/messages", new { kind = "inbound", text = "Any update?" })
            .ReadAsync<MessageDto>(HttpStatusCode.Created);

        Assert.Equal(AuthorKind.Customer, inbound.AuthorKind);
        Assert.Equal(created.CustomerId, inbound.AuthorId);
        Assert.Equal(ConversationStatus.Open, (await agent.Http.GetConversationAsync(created.Id)).Conversation.Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddMessage_Html_IsSanitizedAndTextDerived(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;

        var message = await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/messages",
            new { html = """<p onclick="steal()">Hello <b>there</b><script>alert(1)</script> <a href="https://example.com">link</a></p>""" })
            .ReadAsync<MessageDto>(HttpStatusCode.Created);

        Assert.Equal("Hello there link", message.Text);
        Assert.DoesNotContain("script", message.Html);
        Assert.DoesNotContain("onclick", message.Html);
        Assert.Contains("<b>there</b>", message.Html);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", message.Html);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddMessage_RepeatedClientMessageId_ReturnsTheSameMessageOnce(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;
        var clientId = "cm-" + Unique.Id();
        var url = $"{Api.Conversations}/{created.Id}/messages";

        var first = await agent.Http.PostJsonAsync(url, new { text = "Once", clientMessageId = clientId }).ReadAsync<MessageDto>(HttpStatusCode.Created);
        var retry = await agent.Http.PostJsonAsync(url, new { text = "Once", clientMessageId = " " + clientId + " " }).ReadAsync<MessageDto>(HttpStatusCode.OK);

        Assert.Equal(first.Id, retry.Id);
        Assert.Equal(clientId, retry.ClientMessageId);
        Assert.Equal(1, await app.DbAsync(d => d.Messages.CountAsync(m => m.ClientMessageId == clientId)));
        var detail = await agent.Http.GetConversationAsync(created.Id);
        Assert.Equal(2, detail.Messages.Count);
        Assert.Equal(2, detail.Conversation.MessageCount);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddMessage_TenParallelPostsWithTheSameClientMessageId_MakeOneMessage(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;
        var clientId = "cm-" + Unique.Id();
        var url = $"{Api.Conversations}/{created.Id}/messages";

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            agent.Http.PostJsonAsync(url, new { text = "Sent ten times", clientMessageId = clientId })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var messages = await Task.WhenAll(responses.Select(r => r.ReadAsync<MessageDto>(r.StatusCode)));
        Assert.Single(messages.Select(m => m.Id).Distinct());
        var detail = await agent.Http.GetConversationAsync(created.Id);
        Assert.Equal(2, detail.Messages.Count);
        Assert.Equal(2, detail.Conversation.MessageCount);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddMessage_TenParallelDifferentMessages_AllLandAndAreCounted(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;
        var url = $"{Api.Conversations}/{created.Id}/messages";

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            agent.Http.PostJsonAsync(url, new { kind = "note", text = $"note {i}" })));

        foreach (var response in responses)
        {
            await response.ExpectAsync(HttpStatusCode.Created);
        }

        var detail = await agent.Http.GetConversationAsync(created.Id);
        Assert.Equal(11, detail.Messages.Count);
        Assert.Equal(11, detail.Conversation.MessageCount);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddMessage_ClientMessageIdUsedInAnotherConversation_Returns409(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var one = (await agent.Http.CreateConversationAsync()).Conversation;
        var two = (await agent.Http.CreateConversationAsync()).Conversation;
        var clientId = "cm-" + Unique.Id();
        await agent.Http.PostJsonAsync($"{Api.Conversations}/{one.Id}/messages", new { text = "a", clientMessageId = clientId }).ExpectAsync(HttpStatusCode.Created);

        var problem = await agent.Http.PostJsonAsync($"{Api.Conversations}/{two.Id}/messages", new { text = "a", clientMessageId = clientId })
            .ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains(clientId, problem.Detail);
        Assert.Single((await agent.Http.GetConversationAsync(two.Id)).Messages);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddMessage_UnknownConversation_Returns404Problem(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        await agent.Http.PostJsonAsync($"{Api.Conversations}/{Guid.NewGuid()}/messages", new { text = "hello?" }).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddMessage_ClosedConversation_Returns409ButAcceptsNotes(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;
        await agent.Http.PatchConversationAsync(created.Id, new { status = "resolved" });
        await agent.Http.PatchConversationAsync(created.Id, new { status = "closed" });
        var url = $"{Api.Conversations}/{created.Id}/messages";

        await agent.Http.PostJsonAsync(url, new { text = "reply" }).ProblemAsync(HttpStatusCode.Conflict);
        await agent.Http.PostJsonAsync(url, new { kind = "inbound", text = "again" }).ProblemAsync(HttpStatusCode.Conflict);
        await agent.Http.PostJsonAsync(url, new { kind = "note", text = "for the record" }).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(2, (await agent.Http.GetConversationAsync(created.Id)).Messages.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddMessage_InvalidMessage_Returns400NamingTheFieldAndWritesNothing(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;
        var url = $"{Api.Conversations}/{created.Id}/messages";

        (await agent.Http.PostJsonAsync(url, new { text = "" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("text");
        (await agent.Http.PostJsonAsync(url, new { text = new string('x', 65_537) }).ProblemAsync(HttpStatusCode.BadRequest)).Field("text");
        (await agent.Http.PostJsonAsync(url, new { text = "x", clientMessageId = new string('c', 101) }).ProblemAsync(HttpStatusCode.BadRequest)).Field("clientMessageId");
        (await agent.Http.PostJsonAsync(url, new { attachments = new[] { new { fileName = "", contentType = "text/plain", size = -1 } } })
            .ProblemAsync(HttpStatusCode.BadRequest)).Field("attachments[0].fileName");
        (await agent.Http.PostJsonAsync(url, new { kind = "shout", text = "x" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("kind");

        var detail = await agent.Http.GetConversationAsync(created.Id);
        Assert.Single(detail.Messages);
        Assert.Equal(created.Version, detail.Conversation.Version);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddMessage_AttachmentsOnly_IsAccepted(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;

        var message = await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/messages",
            new { attachments = new[] { new { fileName = "invoice.pdf", contentType = "application/pdf", size = 1234, url = "https://files.test/invoice.pdf" } } })
            .ReadAsync<MessageDto>(HttpStatusCode.Created);

        var stored = (await agent.Http.GetConversationAsync(created.Id)).Messages.Single(m => m.Id == message.Id);
        var attachment = Assert.Single(stored.Attachments);
        Assert.Equal(("invoice.pdf", "application/pdf", 1234L, "https://files.test/invoice.pdf"), (attachment.FileName, attachment.ContentType, attachment.Size, attachment.Url));
    }
}
