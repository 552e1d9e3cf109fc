using Kefu.Core.Channels.Email;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Email;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Kefu.Server.Tests.Email;

/// <summary>Agent replies out through real Postfix, read back from Dovecot; customer replies and robots coming back in.</summary>
public sealed class EmailOutboundTests(Apps apps) : ServerTest(apps)
{
    private readonly TestMail mail = new();

    /// <summary>A customer whose mail lands in a folder of its own, writing a first mail to the inbox.</summary>
    private async Task<(EmailInboxDto Inbox, string Folder, string CustomerFolder, ConversationDetail Conversation)> StartAsync(
        KefuApp app, HttpClient admin, int? smtpPort = null, string? customerAddress = null)
    {
        var folder = TestMail.NewFolder("sup");
        var customerFolder = TestMail.NewFolder("cus");
        var inbox = await mail.CreateInboxAsync(admin, folder, smtpPort);
        var first = new MimeMessage();
        first.From.Add(new MailboxAddress("李雷", customerAddress ?? mail.Address(customerFolder)));
        first.To.Add(MailboxAddress.Parse(inbox.Address));
        first.Subject = "订单问题 " + customerFolder;
        first.MessageId = $"first.{customerFolder}@customers.test";
        first.Body = new TextPart("plain") { Text = "我的订单在哪里？" };
        using var buffer = new MemoryStream();
        await first.WriteToAsync(buffer);
        await mail.AppendAsync(folder, buffer.ToArray());
        await TestMail.CheckAsync(app, inbox.Id);
        var row = await EmailInboundTests.MailRowAsync(app, inbox.Id, first.MessageId);
        return (inbox, folder, customerFolder, await admin.GetConversationAsync(row.ConversationId!.Value));
    }

    private static async Task<EmailMessage> OutboundAsync(KefuApp app, Guid messageId, Func<EmailMessage, bool> done) =>
        await TestMail.EventuallyAsync(async () => await app.DbAsync(d => d.EmailMessages.AsNoTracking().FirstOrDefaultAsync(m => m.MessageRowId == messageId)) is { } m && done(m) ? m : null,
            "the outbound mail", TimeSpan.FromSeconds(45));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Reply_AgentWithOwnSignature_UsesItInsteadOfTheInboxes(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync(name: "Agent Zhao");
        var me = await agent.Http.PutAsync("/api/v1/agents/me/signature", Http.Body(new { signature = "赵敏 · 售后组\n电话 400-800-1234" }))
            .ReadAsync<JsonElement>(HttpStatusCode.OK);
        Assert.Equal("赵敏 · 售后组\n电话 400-800-1234", me.GetProperty("signature").GetString());
        var (_, _, customerFolder, conversation) = await StartAsync(app, admin.Http);

        var reply = await agent.Http.PostJsonAsync($"{Api.Conversations}/{conversation.Conversation.Id}/messages", new { text = "已为您补发。" })
            .ReadAsync<MessageDto>(HttpStatusCode.Created);

        var sent = await OutboundAsync(app, reply.Id, m => m.Status == MailStatus.Sent);
        var delivered = await mail.WaitForAsync(customerFolder, sent.MessageId!);
        Assert.Contains("电话 400-800-1234", delivered.TextBody);
        Assert.DoesNotContain("Agent Zhao", delivered.TextBody);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SetSignature_TooLong_IsAFieldErrorAndEmptyClearsIt(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        await agent.Http.PutAsync("/api/v1/agents/me/signature", Http.Body(new { signature = "签名" }));

        var problem = await agent.Http.PutAsync("/api/v1/agents/me/signature", Http.Body(new { signature = new string('x', 1001) }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var cleared = await agent.Http.PutAsync("/api/v1/agents/me/signature", Http.Body(new { signature = "  " })).ReadAsync<JsonElement>(HttpStatusCode.OK);

        Assert.Contains("signature", problem.Fields);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("signature").ValueKind);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Reply_GoesOutBySmtpWithThreadingHeaders_AndTheCustomersAnswerThreadsBack(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync(name: "Agent Wang");
        var (inbox, _, customerFolder, conversation) = await StartAsync(app, admin.Http);
        var number = conversation.Conversation.Number;

        var reply = await agent.Http.PostJsonAsync($"{Api.Conversations}/{conversation.Conversation.Id}/messages",
            new { text = "您好，包裹已发出。", attachments = new[] { await UploadAsync(agent.Http) } }).ReadAsync<MessageDto>(HttpStatusCode.Created);

        var sent = await OutboundAsync(app, reply.Id, m => m.Status == MailStatus.Sent);
        Assert.Equal(1, sent.Attempts);
        Assert.NotNull(sent.ProviderId);
        Assert.NotNull(sent.RawSha256);
        var delivered = await mail.WaitForAsync(customerFolder, sent.MessageId!);
        Assert.Equal($"Re: 订单问题 {customerFolder} [#{number}]", delivered.Subject);
        Assert.Equal($"first.{customerFolder}@customers.test", delivered.InReplyTo);
        Assert.Contains($"first.{customerFolder}@customers.test", delivered.References);
        Assert.Equal(inbox.Address, delivered.From.Mailboxes.Single().Address);
        Assert.Contains("您好，包裹已发出。", delivered.TextBody);
        Assert.Contains("Agent Wang", delivered.TextBody); // the signature
        Assert.Equal("note.txt", Assert.Single(delivered.Attachments).ContentDisposition?.FileName);

        // The customer answers from their mail client: through Postfix into the support folder.
        var answer = new MimeMessage();
        answer.From.Add(new MailboxAddress("李雷", mail.Address(customerFolder)));
        answer.To.Add(MailboxAddress.Parse(inbox.Address));
        answer.Subject = "Re: " + delivered.Subject;
        answer.MessageId = $"answer.{customerFolder}@customers.test";
        answer.InReplyTo = delivered.MessageId;
        answer.References.Add(delivered.MessageId!);
        answer.Body = new TextPart("plain") { Text = $"收到了，谢谢！\n\n在 2025年11月3日，客服 <{inbox.Address}> 写道：\n> 您好，包裹已发出。" };
        await mail.SendAsync(answer);
        await TestMail.EventuallyAsync(async () => (await TestMail.CheckAsync(app, inbox.Id)) is var _ &&
            (await admin.Http.GetConversationAsync(conversation.Conversation.Id)).Messages.Count == 3 ? "" : null, "the customer's answer");

        var thread = await admin.Http.GetConversationAsync(conversation.Conversation.Id);
        Assert.Equal("收到了，谢谢！", thread.Messages[2].Text); // the quoted reply is cut for display
        Assert.Equal(MessageKind.Inbound, thread.Messages[2].Kind);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AutoReply_ToOurReply_IsANoteAndIsNeverAnswered(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var (inbox, folder, customerFolder, conversation) = await StartAsync(app, admin.Http);
        var reply = await agent.Http.PostJsonAsync($"{Api.Conversations}/{conversation.Conversation.Id}/messages", new { text = "We are on it." })
            .ReadAsync<MessageDto>(HttpStatusCode.Created);
        var sent = await OutboundAsync(app, reply.Id, m => m.Status == MailStatus.Sent);
        var before = (await admin.Http.GetConversationAsync(conversation.Conversation.Id)).Conversation;

        await mail.AppendAsync(folder, TestMail.Fixture("autoreply.eml", new Dictionary<string, string>
        {
            ["TOKEN"] = customerFolder, ["CUSTOMER"] = mail.Address(customerFolder), ["SUPPORT"] = inbox.Address, ["SUBJECT"] = sent.Subject, ["REPLYTO"] = sent.MessageId!,
        }));
        // Our own reply, delivered back into the support folder (e.g. the customer's server forwarded it): a loop.
        var own = await mail.WaitForAsync(customerFolder, sent.MessageId!);
        using (var buffer = new MemoryStream())
        {
            await own.WriteToAsync(buffer);
            await mail.AppendAsync(folder, buffer.ToArray());
        }

        await TestMail.CheckAsync(app, inbox.Id);

        var auto = await EmailInboundTests.MailRowAsync(app, inbox.Id, $"autoreply.{customerFolder}@customers.test");
        Assert.Equal(MailStatus.AutoReply, auto.Status);
        var loop = await app.DbAsync(d => d.EmailMessages.AsNoTracking().SingleAsync(m => m.InboxId == inbox.Id && m.Direction == MailDirection.Inbound && m.Key == TestMail.Key(sent.MessageId!)));
        Assert.Equal(MailStatus.Ignored, loop.Status);
        var after = await admin.Http.GetConversationAsync(conversation.Conversation.Id);
        var note = after.Messages.Last();
        Assert.Equal(MessageKind.Note, note.Kind);
        Assert.Contains("out of the office", note.Text);
        Assert.Equal(before.Status, after.Conversation.Status);
        Assert.Equal(before.LastMessageAt, after.Conversation.LastMessageAt);
        // Nothing was sent in answer to the robot.
        Assert.Equal(1, await app.DbAsync(d => d.EmailMessages.CountAsync(m => m.ConversationId == conversation.Conversation.Id && m.Direction == MailDirection.Outbound)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Reply_SmtpUnreachable_IsRetriedThenShownAsAnInternalNote(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        // Port 9 (discard) is closed on loopback: every attempt fails to connect.
        var (_, _, _, conversation) = await StartAsync(app, admin.Http, smtpPort: 9);

        var reply = await agent.Http.PostJsonAsync($"{Api.Conversations}/{conversation.Conversation.Id}/messages", new { text = "Hello?" })
            .ReadAsync<MessageDto>(HttpStatusCode.Created);

        var failed = await OutboundAsync(app, reply.Id, m => m.Status == MailStatus.Failed);
        Assert.Equal(4, failed.Attempts); // the first try and the three retries of the test schedule
        Assert.Contains("cannot connect", failed.Error);
        var note = await TestMail.EventuallyAsync(async () => (await admin.Http.GetConversationAsync(conversation.Conversation.Id)).Messages
            .FirstOrDefault(m => m.Kind == MessageKind.Note && m.Text.Contains("could not be delivered")), "the failure note");
        Assert.Contains("4 attempt(s)", note.Text);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Reply_RecipientRefused_FailsAtOnce_AndABounceMarksAnotherUndelivered(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var nobody = $"nobody-{Unique.Id()}@{mail.Domain}";
        var (inbox, folder, customerFolder, conversation) = await StartAsync(app, admin.Http, customerAddress: nobody);

        var reply = await agent.Http.PostJsonAsync($"{Api.Conversations}/{conversation.Conversation.Id}/messages", new { text = "Hello?" })
            .ReadAsync<MessageDto>(HttpStatusCode.Created);

        // Postfix refuses an unknown local user with 550: permanent, no retries.
        var failed = await OutboundAsync(app, reply.Id, m => m.Status == MailStatus.Failed);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("550", failed.Error);

        // A remote server accepts a reply and bounces it later (a DSN): the mail is marked undelivered and the agent told.
        var second = await agent.Http.PostJsonAsync($"{Api.Conversations}/{conversation.Conversation.Id}/messages", new { text = "Trying again." })
            .ReadAsync<MessageDto>(HttpStatusCode.Created);
        var pending = await OutboundAsync(app, second.Id, m => m.Status is MailStatus.Failed or MailStatus.Sent);
        await mail.AppendAsync(folder, TestMail.Fixture("bounce.eml", new Dictionary<string, string>
        {
            ["TOKEN"] = customerFolder, ["CUSTOMER"] = nobody, ["SUPPORT"] = inbox.Address, ["SUBJECT"] = pending.Subject, ["REPLYTO"] = pending.MessageId!,
        }));
        await TestMail.CheckAsync(app, inbox.Id);

        var bounced = await app.DbAsync(d => d.EmailMessages.AsNoTracking().SingleAsync(m => m.Id == pending.Id));
        Assert.Equal(MailStatus.Undelivered, bounced.Status);
        Assert.Contains("User unknown", bounced.Error);
        var messages = (await admin.Http.GetConversationAsync(conversation.Conversation.Id)).Messages;
        Assert.Contains(messages, m => m.Kind == MessageKind.Note && m.Text.Contains("bounced"));
        Assert.DoesNotContain(messages, m => m.Kind == MessageKind.Inbound && m.Text.Contains("mail system"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task OfflineChatMessage_AnswerGoesOutByEmail_AndTheCustomersReplyThreadsBack(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var folder = TestMail.NewFolder("def");
        var customerFolder = TestMail.NewFolder("vis");
        var inbox = await mail.CreateInboxAsync(admin.Http, folder, isDefault: true);
        var chat = await admin.Http.PostJsonAsync("/api/v1/chat-inboxes", new { name = "Shop " + folder }).ReadAsync<JsonElement>(HttpStatusCode.Created);
        var accepted = await app.Anonymous().PostJsonAsync($"/widget/{chat.GetProperty("id").GetGuid()}/offline",
            new { name = "访客", email = mail.Address(customerFolder), message = "你们几点开门？", language = "zh-CN" }).ReadAsync<JsonElement>(HttpStatusCode.Accepted);
        var number = long.Parse(accepted.GetProperty("reference").GetString()!.TrimStart('#'));
        var conversation = (await admin.Http.GetConversationAsync(number)).Conversation;
        Assert.Equal(Channel.Chat, conversation.Channel);

        var reply = await agent.Http.PostJsonAsync($"{Api.Conversations}/{conversation.Id}/messages", new { text = "我们早上九点开门。" })
            .ReadAsync<MessageDto>(HttpStatusCode.Created);

        var sent = await OutboundAsync(app, reply.Id, m => m.Status == MailStatus.Sent);
        Assert.Equal(inbox.Id, sent.InboxId);
        var delivered = await mail.WaitForAsync(customerFolder, sent.MessageId!);
        Assert.Contains($"[#{number}]", delivered.Subject);
        Assert.Contains("我们早上九点开门。", delivered.TextBody);

        var answer = new MimeMessage();
        answer.From.Add(MailboxAddress.Parse(mail.Address(customerFolder)));
        answer.To.Add(MailboxAddress.Parse(inbox.Address));
        answer.Subject = "Re: " + delivered.Subject;
        answer.MessageId = $"answer.{customerFolder}@customers.test";
        answer.InReplyTo = delivered.MessageId;
        answer.Body = new TextPart("plain") { Text = "好的，谢谢。" };
        await mail.SendAsync(answer);
        await TestMail.EventuallyAsync(async () => (await TestMail.CheckAsync(app, inbox.Id)) is var _ &&
            (await admin.Http.GetConversationAsync(conversation.Id)).Messages.Any(m => m.Text == "好的，谢谢。") ? "" : null, "the visitor's answer");
    }

    private static async Task<object> UploadAsync(HttpClient http)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent("notes for you"u8.ToArray());
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "note.txt");
        return await (await http.PostAsync("/api/v1/files", form)).ReadAsync<JsonElement>(HttpStatusCode.OK);
    }
}
