using Kefu.Core.Channels.Email;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Email;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Email;

/// <summary>Raw .eml fixtures APPENDed to a real Dovecot folder, read by Kefu's IMAP reader, on both databases.</summary>
public sealed class EmailInboundTests(Apps apps) : ServerTest(apps)
{
    private readonly TestMail mail = new();

    public static TheoryData<string, string, string, string> Fixtures()
    {
        var data = new TheoryData<string, string, string, string>();
        (string File, string Subject, string Text)[] rows =
        [
            ("plain.eml", "Where is my order?", "my order 12345 has not arrived yet"),
            ("html.eml", "Broken lamp", "arrived broken"),
            ("gbk.eml", "我的订单还没到", "您好，我的订单还没有收到，请帮忙查一下。"),
            ("gb2312.eml", "退货申请", "我想申请退货，商品有质量问题"),
            ("gb18030.eml", "发票问题", "𠀾龘科技有限公司"),
            ("big5.eml", "請問運費", "請問寄到台灣的運費是多少"),
            ("iso2022jp.eml", "ご注文について", "注文の状況を教えてください"),
            ("attachment.eml", "发票和照片", "附件是发票和商品照片。"),
        ];
        foreach (var provider in new[] { "sqlite", "postgres" })
        {
            foreach (var (file, subject, text) in rows)
            {
                data.Add(provider, file, subject, text);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Ingest_Fixture_BecomesAnEmailConversationWithDecodedText(string db, string fixture, string subject, string text)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var folder = TestMail.NewFolder("in");
        var inbox = await mail.CreateInboxAsync(admin.Http, folder);
        var token = Unique.Id();
        await mail.AppendAsync(folder, TestMail.Fixture(fixture, new Dictionary<string, string> { ["TOKEN"] = token }));

        var result = await TestMail.CheckAsync(app, inbox.Id);

        var row = await MailRowAsync(app, inbox.Id, $"{fixture[..^4]}.{token}@customers.test");
        Assert.Equal(MailStatus.Received, row.Status);
        var detail = await admin.Http.GetConversationAsync(row.ConversationId!.Value);
        Assert.Equal(Channel.Email, detail.Conversation.Channel);
        Assert.Equal($"{subject} {token}", detail.Conversation.Subject);
        var message = Assert.Single(detail.Messages);
        Assert.Equal(MessageKind.Inbound, message.Kind);
        Assert.Contains(text, message.Text);
        Assert.True(result.Created + result.Duplicates >= 1, "the reader in the background may have taken it first");
        if (fixture == "html.eml")
        {
            Assert.NotNull(message.Html);
            Assert.Contains("<b>arrived broken</b>", message.Html);
            Assert.DoesNotContain("<script", message.Html);
            Assert.DoesNotContain("onclick", message.Html);
            Assert.DoesNotContain("cid:", message.Html);
            Assert.Contains("/files/", message.Html); // the inline image, from the file store
            Assert.Empty(message.Attachments);
        }

        if (fixture == "attachment.eml")
        {
            Assert.Equal(["发票.pdf", "photo.png"], message.Attachments.Select(a => a.FileName).ToArray());
            Assert.Equal("application/pdf", message.Attachments[0].ContentType);
            using var file = await admin.Http.GetAsync(message.Attachments[0].Url);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.StartsWith("%PDF-1.4 invoice", await file.Content.ReadAsStringAsync());
        }

        // The customer was found or created by the sender's address.
        var customer = await admin.Http.GetCustomerAsync(detail.Conversation.CustomerId);
        Assert.Contains(customer.Identities, i => i.Value.EndsWith($".{token}@customers.test"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Ingest_SameAttachmentInTwoMails_IsStoredOnce(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var folder = TestMail.NewFolder("att");
        var inbox = await mail.CreateInboxAsync(admin.Http, folder);
        var token = Unique.Id();
        var raw = TestMail.Fixture("attachment.eml", new Dictionary<string, string> { ["TOKEN"] = token });
        await mail.AppendAsync(folder, raw);
        // A second mail (another Message-ID) with the same files.
        var copy = System.Text.Encoding.Latin1.GetString(raw).Replace($"<attachment.{token}@", $"<attachment2.{token}@");
        await mail.AppendAsync(folder, System.Text.Encoding.Latin1.GetBytes(copy));

        await TestMail.CheckAsync(app, inbox.Id);

        var first = await MailRowAsync(app, inbox.Id, $"attachment.{token}@customers.test");
        var second = await MailRowAsync(app, inbox.Id, $"attachment2.{token}@customers.test");
        Assert.NotEqual(first.ConversationId, second.ConversationId);
        var urls = new List<string>();
        foreach (var id in new[] { first.ConversationId!.Value, second.ConversationId!.Value })
        {
            urls.Add(Assert.Single((await admin.Http.GetConversationAsync(id)).Messages).Attachments[0].Url!);
        }

        Assert.Equal(urls[0], urls[1]);
        var sha = Kefu.Server.Features.Chat.FileStore.ParseUrl(urls[0]);
        Assert.Equal(1, await app.DbAsync(d => d.Files.CountAsync(f => f.Sha256 == sha)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Ingest_FetchedTwiceRestartedAndInParallel_MakesOneMessage(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var folder = TestMail.NewFolder("dup");
        var inbox = await mail.CreateInboxAsync(admin.Http, folder);
        var token = Unique.Id();
        var raw = TestMail.Fixture("plain.eml", new Dictionary<string, string> { ["TOKEN"] = token });
        // The same mail twice in the folder (two UIDs, one Message-ID), as a re-delivery would leave it.
        await mail.AppendAsync(folder, raw);
        await mail.AppendAsync(folder, raw);

        await TestMail.CheckAsync(app, inbox.Id);
        await TestMail.CheckAsync(app, inbox.Id);
        // A restart that lost the high-water mark, and three readers at once (as on several nodes).
        await app.DbAsync(d => d.EmailInboxes.Where(i => i.Id == inbox.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.LastUid, 0L)));
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => TestMail.CheckAsync(app, inbox.Id)));

        var row = await MailRowAsync(app, inbox.Id, $"plain.{token}@customers.test");
        Assert.Single((await admin.Http.GetConversationAsync(row.ConversationId!.Value)).Messages);
        Assert.Equal(1, await app.DbAsync(d => d.EmailMessages.CountAsync(m => m.InboxId == inbox.Id)));
        Assert.Equal(1, await app.DbAsync(d => d.Conversations.CountAsync(c => c.Subject == $"Where is my order? {token}")));
        var uid = await app.DbAsync(d => d.EmailInboxes.Where(i => i.Id == inbox.Id).Select(i => i.LastUid).SingleAsync());
        Assert.Equal(2, uid);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Ingest_MalformedMail_IsQuarantinedVisiblyAndTheNextMailStillArrives(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var folder = TestMail.NewFolder("bad");
        var inbox = await mail.CreateInboxAsync(admin.Http, folder);
        var token = Unique.Id();
        await mail.AppendAsync(folder, TestMail.Fixture("malformed.eml", new Dictionary<string, string> { ["TOKEN"] = token }));
        await mail.AppendAsync(folder, TestMail.Fixture("plain.eml", new Dictionary<string, string> { ["TOKEN"] = token }));

        await TestMail.CheckAsync(app, inbox.Id);

        var quarantine = await admin.Http.GetAsync($"/api/v1/email-inboxes/{inbox.Id}/mails?status=quarantined").ReadAsync<List<EmailMessageDto>>(HttpStatusCode.OK);
        var bad = Assert.Single(quarantine);
        Assert.Contains("sender", bad.Error);
        Assert.Equal($"malformed.{token}@customers.test", bad.MessageId);
        Assert.NotNull(bad.RawUrl);
        using var original = await admin.Http.GetAsync(bad.RawUrl);
        Assert.Contains("never-closed", await original.Content.ReadAsStringAsync());
        Assert.Equal(MailStatus.Received, (await MailRowAsync(app, inbox.Id, $"plain.{token}@customers.test")).Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Ingest_ReplyWithTicketNumberFromTheCustomer_ThreadsIntoItsConversation(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var folder = TestMail.NewFolder("thr");
        var inbox = await mail.CreateInboxAsync(admin.Http, folder);
        var token = Unique.Id();
        await mail.AppendAsync(folder, TestMail.Fixture("gbk.eml", new Dictionary<string, string> { ["TOKEN"] = token }));
        await TestMail.CheckAsync(app, inbox.Id);
        var first = await MailRowAsync(app, inbox.Id, $"gbk.{token}@customers.test");
        var number = (await admin.Http.GetConversationAsync(first.ConversationId!.Value)).Conversation.Number;

        // The customer writes again with the ticket number (no In-Reply-To); a stranger tries the same number.
        var again = new MimeKit.MimeMessage();
        again.From.Add(new MimeKit.MailboxAddress("王小明", $"wang.{token}@customers.test"));
        again.To.Add(MimeKit.MailboxAddress.Parse(inbox.Address));
        again.Subject = $"回复：我的订单 [#{number}]";
        again.MessageId = $"again.{token}@customers.test";
        again.Body = new MimeKit.TextPart("plain") { Text = "还有，地址是北京市。" };
        var stranger = new MimeKit.MimeMessage();
        stranger.From.Add(MimeKit.MailboxAddress.Parse($"stranger.{token}@evil.test"));
        stranger.To.Add(MimeKit.MailboxAddress.Parse(inbox.Address));
        stranger.Subject = $"Re: [#{number}]";
        stranger.MessageId = $"stranger.{token}@evil.test";
        stranger.Body = new MimeKit.TextPart("plain") { Text = "Let me in." };
        foreach (var m in new[] { again, stranger })
        {
            using var buffer = new MemoryStream();
            await m.WriteToAsync(buffer);
            await mail.AppendAsync(folder, buffer.ToArray());
        }

        await TestMail.CheckAsync(app, inbox.Id);

        var thread = await admin.Http.GetConversationAsync(first.ConversationId!.Value);
        Assert.Equal(2, thread.Messages.Count);
        Assert.Equal("还有，地址是北京市。", thread.Messages[1].Text);
        var other = await MailRowAsync(app, inbox.Id, $"stranger.{token}@evil.test");
        Assert.NotEqual(first.ConversationId, other.ConversationId);
    }

    internal static async Task<EmailMessageRow> MailRowAsync(KefuApp app, Guid inboxId, string messageId)
    {
        var key = TestMail.Key(messageId);
        return await TestMail.EventuallyAsync(() => app.DbAsync(d => d.EmailMessages.AsNoTracking()
            .Where(m => m.InboxId == inboxId && m.Key == key)
            .Select(m => new EmailMessageRow(m.Status, m.ConversationId, m.Error)).FirstOrDefaultAsync()), $"the mail {messageId}");
    }

    internal sealed record EmailMessageRow(MailStatus Status, Guid? ConversationId, string? Error);
}
