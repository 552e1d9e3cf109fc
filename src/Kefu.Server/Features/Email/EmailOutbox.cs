using Kefu.Core.Channels.Email;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Chat;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Jobs;
using Kefu.Server.Realtime;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Kefu.Server.Features.Email;

/// <summary>
/// Outbound e-mail. A reply on an e-mail conversation (or on a chat conversation left as an offline message) is
/// recorded as a pending mail plus a send job, in the transaction that stores the reply: a reply is never stored
/// without its mail, nor sent without being stored.
/// </summary>
public static class EmailOutbox
{
    public const string SendJob = "email.send";

    public sealed record SendPayload(Guid EmailMessageId);

    /// <summary>Whether replies on this conversation go out by e-mail.</summary>
    public static bool AnswersByEmail(Conversation c) =>
        c.Channel == Channel.Email || (c.Channel == Channel.Chat && c.Tags.Contains("offline"));

    public static async Task QueueAsync(KefuDbContext db, Conversation conversation, Message message, DateTimeOffset now, CancellationToken ct)
    {
        if (message.Kind != MessageKind.Outbound || !AnswersByEmail(conversation))
        {
            return;
        }

        // The inbox the customer wrote to (its latest mail), else the default inbox.
        var last = await db.EmailMessages.AsNoTracking()
            .Where(m => m.ConversationId == conversation.Id && m.Direction == MailDirection.Inbound && m.Status == MailStatus.Received)
            .OrderByDescending(m => m.CreatedAt).FirstOrDefaultAsync(ct);
        var inbox = last is null ? null : await db.EmailInboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == last.InboxId && i.IsActive, ct);
        // Without a mail from the customer, only the inbox marked default answers (never an arbitrary one).
        inbox ??= await db.EmailInboxes.AsNoTracking().Where(i => i.IsActive && i.IsDefault).OrderBy(i => i.CreatedAt).FirstOrDefaultAsync(ct);
        if (inbox is null)
        {
            return;
        }

        var to = last?.Address ?? await db.CustomerIdentities.AsNoTracking()
            .Where(i => i.CustomerId == conversation.CustomerId && i.Kind == IdentityKind.Email).OrderBy(i => i.CreatedAt).Select(i => i.Value).FirstOrDefaultAsync(ct);
        if (to is null)
        {
            return;
        }

        var references = last is null ? "" : string.Join(' ', last.References.Split(' ', StringSplitOptions.RemoveEmptyEntries).Append(last.MessageId ?? "").Where(r => r.Length > 0).TakeLast(20));
        var id = Guid.CreateVersion7(now);
        var mail = EmailMessage.Outbound(id, inbox.Id, MailAddresses.NewMessageId(id, inbox.Address), conversation.Id, message.Id, to,
            MailAddresses.ReplySubject(conversation.Subject, conversation.Number), references, now);
        db.EmailMessages.Add(mail);
        JobQueue.Enqueue(db, SendJob, new SendPayload(id), now, dedupeKey: $"{SendJob}:{id}", conversationId: conversation.Id);
    }
}

/// <summary>
/// Sends one queued mail by SMTP. Temporary trouble (no connection, 4xx) is retried on the job queue's schedule; a
/// permanent refusal (5xx) fails at once; a final failure is written on the conversation as an internal note.
/// </summary>
public sealed class EmailSendJob(KefuDbContext db, MailSecrets secrets, TimeProvider clock, RealtimePublisher realtime) : IJobHandler
{
    public async Task<JobOutcome> RunAsync(Job job, CancellationToken ct)
    {
        var mail = await db.EmailMessages.FirstOrDefaultAsync(m => m.Id == job.PayloadAs<EmailOutbox.SendPayload>().EmailMessageId, ct);
        if (mail is null || mail.Status != MailStatus.Pending)
        {
            return JobOutcome.Done; // already sent (a lease ran out after the send), or gone with its inbox
        }

        var inbox = await db.EmailInboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == mail.InboxId, ct);
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == mail.MessageRowId, ct);
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == mail.ConversationId, ct);
        if (inbox is null || message is null || conversation is null)
        {
            return JobOutcome.Fail("the inbox, the message or the conversation no longer exists.");
        }

        mail.Attempted(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);

        var mime = await BuildAsync(inbox, mail, message, conversation, ct);
        var endpoint = MailConnections.Smtp(inbox, secrets);
        try
        {
            using var smtp = await MailConnections.OpenSmtpAsync(endpoint, ct);
            var response = await smtp.SendAsync(mime, ct);
            await smtp.DisconnectAsync(true, ct);
            mail.MarkSent(QueueId(response) ?? mail.MessageId, clock.GetUtcNow());
            await StoreOriginalAsync(mail, mime, ct);
            await db.SaveChangesAsync(ct);
            return JobOutcome.Done;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var error = MailConnections.Describe(e, endpoint);
            var permanent = e is SmtpCommandException { StatusCode: >= (SmtpStatusCode)500 };
            mail.MarkRetrying(error, clock.GetUtcNow());
            await db.SaveChangesAsync(CancellationToken.None);
            return permanent ? JobOutcome.Fail(error) : JobOutcome.Retry(error);
        }
    }

    public async Task OnFailedAsync(Job job, string error, CancellationToken ct)
    {
        var mail = await db.EmailMessages.FirstOrDefaultAsync(m => m.Id == job.PayloadAs<EmailOutbox.SendPayload>().EmailMessageId, ct);
        if (mail is null || mail.ConversationId is not { } conversationId)
        {
            return;
        }

        var now = clock.GetUtcNow();
        mail.MarkFailed(error, now);
        await db.SaveChangesAsync(ct);
        await EmailNotes.AddAsync(db, realtime, conversationId, now,
            $"E-mail to {mail.Address} could not be delivered after {mail.Attempts} attempt(s): {error}\n邮件未能发送给 {mail.Address}。",
            $"email-failed:{mail.Id}", ct);
    }

    private async Task<MimeMessage> BuildAsync(EmailInbox inbox, EmailMessage mail, Message message, Conversation conversation, CancellationToken ct)
    {
        MailParser.EnsureEncodings();
        var author = message.AuthorId is { } authorId
            ? await db.Agents.AsNoTracking().Where(a => a.Id == authorId).Select(a => new { a.DisplayName, a.Signature }).FirstOrDefaultAsync(ct)
            : null;
        // The agent's own signature if they wrote one, else the inbox's template.
        var signature = author?.Signature
            ?? inbox.Signature.Replace("{agent}", author?.DisplayName ?? inbox.FromName).Replace("{inbox}", inbox.FromName).Trim();
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(inbox.FromName, inbox.Address));
        mime.To.Add(MailboxAddress.Parse(mail.Address));
        mime.Subject = mail.Subject;
        mime.MessageId = mail.MessageId!;
        mime.Date = message.CreatedAt;
        var references = mail.References.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (references.Length > 0)
        {
            mime.InReplyTo = references[^1];
            foreach (var r in references)
            {
                mime.References.Add(r);
            }
        }

        // Our own mail coming back (a forward to the support address, a loop with an auto-responder) is recognised.
        mime.Headers.Add("X-Kefu-Loop", inbox.Address);
        mime.Headers.Add("X-Kefu-Conversation", Conversation.Display(conversation.Number));

        var body = new BodyBuilder
        {
            TextBody = signature.Length == 0 ? message.Text : $"{message.Text}\n\n-- \n{signature}",
        };
        if (message.Html is { } html)
        {
            body.HtmlBody = signature.Length == 0 ? html : $"{html}<br><br>-- <br>{System.Net.WebUtility.HtmlEncode(signature).Replace("\n", "<br>")}";
        }

        foreach (var attachment in message.Attachments)
        {
            if (FileStore.ParseUrl(attachment.Url) is { } sha && await db.Files.AsNoTracking().FirstOrDefaultAsync(f => f.Sha256 == sha, ct) is { } file)
            {
                body.Attachments.Add(attachment.FileName, file.Content, ContentType.Parse(file.ContentType));
            }
        }

        mime.Body = body.ToMessageBody();
        return mime;
    }

    private async Task StoreOriginalAsync(EmailMessage mail, MimeMessage mime, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await mime.WriteToAsync(buffer, ct);
        mail.SetRaw(await MailFiles.StoreAsync(db, buffer.ToArray(), "message/rfc822", clock.GetUtcNow(), ct));
    }

    /// <summary>"2.0.0 Ok: queued as 4FZ1Xb0c" → "4FZ1Xb0c".</summary>
    public static string? QueueId(string? response)
    {
        const string marker = "queued as ";
        var at = response?.IndexOf(marker, StringComparison.OrdinalIgnoreCase) ?? -1;
        return at < 0 ? null : response![(at + marker.Length)..].Trim().Split(' ')[0];
    }
}
