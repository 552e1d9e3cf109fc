using System.Security.Cryptography;
using System.Text;
using AngleSharp.Html.Parser;
using Kefu.Core.Channels.Email;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Chat;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Email;

public enum IngestResult
{
    Created,
    Threaded,
    Duplicate,
    Ignored,
    AutoReply,
    Bounce,
    Quarantined,
}

/// <summary>
/// Takes one raw mail into an inbox: parse (MimeKit), look up the facts, let the Core pipeline decide, then store.
/// The mail-log row (Message-ID key, UID, the original) commits in the same transaction as the conversation message,
/// and its unique key makes a second fetch of the same mail — after a reconnect, a restart or on another node — a no-op.
/// </summary>
public static class MailIngest
{
    public static async Task<IngestResult> IngestAsync(
        KefuDbContext db, RealtimePublisher realtime, EmailOptions options, EmailInbox inbox, byte[] raw, long? uid, long? uidValidity,
        DateTimeOffset now, CancellationToken ct)
    {
        ParsedMail? parsed = null;
        string? parseError = null;
        try
        {
            parsed = MailParser.Parse(raw);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            parseError = e.Message;
        }

        var key = MailAddresses.Key(parsed?.Mail.MessageId, raw);
        if (await IsKnownAsync(db, inbox.Id, key, ct))
        {
            return IngestResult.Duplicate;
        }

        var rawSha = await MailFiles.StoreAsync(db, raw, "message/rfc822", now, ct);
        EmailMessage Row(MailStatus status, string? error = null) => EmailMessage.Inbound(
            inbox.Id, key, parsed?.Mail.MessageId, status, parsed?.Mail.CustomerAddress ?? parsed?.Mail.FromAddress ?? "", parsed?.Mail.Subject ?? "",
            string.Join(' ', parsed?.Mail.Answers().Reverse() ?? []), uid, uidValidity, rawSha, error, now);

        if (parsed is null)
        {
            return await RecordAsync(db, Row(MailStatus.Quarantined, $"The mail could not be read as MIME: {parseError}"), IngestResult.Quarantined, ct);
        }

        if (raw.Length > options.MaxMailBytes)
        {
            return await RecordAsync(db, Row(MailStatus.Quarantined, $"The mail is {raw.Length / 1024 / 1024} MB, over the {options.MaxMailBytes / 1024 / 1024} MB limit."), IngestResult.Quarantined, ct);
        }

        var facts = await FactsAsync(db, parsed.Mail, key, ct);
        var decision = InboundPipeline.Decide(parsed.Mail, facts);
        var clientId = ClientId(inbox.Id, key);
        switch (decision)
        {
            case IgnoreMail ignore:
                return await RecordAsync(db, Row(MailStatus.Ignored, ignore.Reason), IngestResult.Ignored, ct);
            case QuarantineMail quarantine:
                return await RecordAsync(db, Row(MailStatus.Quarantined, quarantine.Reason), IngestResult.Quarantined, ct);
            case BounceMail bounce:
                return await BounceAsync(db, realtime, Row(MailStatus.Bounce, bounce.Reason), bounce, now, ct);
            case AutoReplyMail { Target: null } auto:
                return await RecordAsync(db, Row(MailStatus.AutoReply, auto.Reason), IngestResult.AutoReply, ct);
            case AutoReplyMail { Target: { } target } auto:
            {
                var row = Row(MailStatus.AutoReply, auto.Reason);
                var text = Truncate($"Automatic reply from {parsed.Mail.FromAddress} ({auto.Reason}), not answered:\n\n{QuotedReply.Strip(parsed.Text)}");
                var added = await ConversationCommands.AddMessageAsync(db, EmailNotes.Mailer, now, target.ConversationId,
                    new NewMessage(MessageKind.Note, text, null, clientId, null), ct, Also(db, row));
                return await PublishAsync(realtime, added, IngestResult.AutoReply);
            }

            case ThreadIntoConversation thread:
            {
                var content = await ContentAsync(db, options, parsed, now, ct);
                var row = Row(MailStatus.Received);
                var added = await ConversationCommands.AddMessageAsync(db, CustomerActor(parsed.Mail), now, thread.Target.ConversationId,
                    new NewMessage(MessageKind.Inbound, content.Text, content.Html, clientId, content.Attachments), ct, Also(db, row));
                if (added.IsOk || added.Error is not Conflict)
                {
                    return added.IsOk ? await PublishAsync(realtime, added, IngestResult.Threaded) : await QuarantineAsync(db, Row, added.Error!, ct);
                }

                // Closed or merged meanwhile: the mail starts a new conversation instead.
                db.ChangeTracker.Clear();
                return await StartAsync(db, realtime, inbox, parsed, content, Row(MailStatus.Received), clientId, now, ct);
            }

            case StartConversation:
                return await StartAsync(db, realtime, inbox, parsed, await ContentAsync(db, options, parsed, now, ct), Row(MailStatus.Received), clientId, now, ct);
            default:
                throw new InvalidOperationException($"Unknown inbound decision {decision}.");
        }
    }

    /// <summary>A mail quarantined before anything was parsed (too large to fetch, or a fetch error): headers or nothing.</summary>
    public static async Task<IngestResult> QuarantineRawAsync(
        KefuDbContext db, EmailInbox inbox, byte[] raw, string? messageId, string subject, string address, long? uid, long? uidValidity, string error,
        DateTimeOffset now, CancellationToken ct)
    {
        var key = MailAddresses.Key(messageId, raw);
        if (await IsKnownAsync(db, inbox.Id, key, ct))
        {
            return IngestResult.Duplicate;
        }

        var sha = raw.Length == 0 ? null : await MailFiles.StoreAsync(db, raw, "text/plain", now, ct);
        return await RecordAsync(db, EmailMessage.Inbound(inbox.Id, key, messageId, MailStatus.Quarantined, address, subject, "", uid, uidValidity, sha, error, now),
            IngestResult.Quarantined, ct);
    }

    public static string ClientId(Guid inboxId, string key) =>
        "mail:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{inboxId:N}:{key}")));

    private static Task<bool> IsKnownAsync(KefuDbContext db, Guid inboxId, string key, CancellationToken ct) =>
        db.EmailMessages.AnyAsync(m => m.InboxId == inboxId && m.Direction == MailDirection.Inbound && m.Key == key, ct);

    private static Func<Conversation, Message, Task> Also(KefuDbContext db, EmailMessage row) => (conversation, message) =>
    {
        row.BecameMessage(conversation.Id, message.Id);
        db.EmailMessages.Add(row);
        return Task.CompletedTask;
    };

    private static Actor CustomerActor(InboundMail mail) => new(ActorKind.Customer, null, mail.FromName ?? mail.CustomerAddress ?? "customer");

    private static async Task<IngestResult> StartAsync(
        KefuDbContext db, RealtimePublisher realtime, EmailInbox inbox, ParsedMail parsed, MailContent content, EmailMessage row, string clientId,
        DateTimeOffset now, CancellationToken ct)
    {
        var subject = MailAddresses.CleanSubject(parsed.Mail.Subject);
        var created = await ConversationCommands.CreateAsync(db, CustomerActor(parsed.Mail), now,
            new CreateConversationRequest(Channel.Email, subject.Length == 0 ? null : Cut(subject, Limits.Subject), null,
                new CustomerRef(IdentityKind.Email, null, parsed.Mail.CustomerAddress, parsed.Mail.FromName is { } n ? Cut(n, Limits.Name) : null, null),
                new NewMessage(MessageKind.Inbound, content.Text, content.Html, clientId, content.Attachments), Priority.Normal, null, null, null, inbox.TeamId),
            ct, Also(db, row));
        if (!created.IsOk)
        {
            db.ChangeTracker.Clear();
            return await RecordAsync(db, EmailMessage.Inbound(row.InboxId, row.Key, row.MessageId, MailStatus.Quarantined, row.Address, row.Subject, row.References,
                row.Uid, row.UidValidity, row.RawSha256, Describe(created.Error!), now), IngestResult.Quarantined, ct);
        }

        if (!created.Value.Created)
        {
            return IngestResult.Duplicate;
        }

        var detail = created.Value.Detail;
        await realtime.MessageCreatedAsync(detail.Conversation, detail.Messages[0]);
        return IngestResult.Created;
    }

    private static async Task<IngestResult> QuarantineAsync(KefuDbContext db, Func<MailStatus, string?, EmailMessage> row, Error error, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        return await RecordAsync(db, row(MailStatus.Quarantined, Describe(error)), IngestResult.Quarantined, ct);
    }

    private static string Describe(Error error) => error is Invalid invalid
        ? "The mail could not be stored: " + string.Join("; ", invalid.Fields.Select(f => $"{f.Key} {string.Join(" ", f.Value)}"))
        : "The mail could not be stored: " + error.Message;

    private static async Task<IngestResult> PublishAsync(
        RealtimePublisher realtime, Result<(MessageDto Message, ConversationDto Conversation, bool Created)> added, IngestResult ok)
    {
        if (!added.IsOk)
        {
            throw new InvalidOperationException(added.Error!.Message);
        }

        if (!added.Value.Created)
        {
            return IngestResult.Duplicate;
        }

        await realtime.MessageCreatedAsync(added.Value.Conversation, added.Value.Message);
        return ok;
    }

    private static async Task<IngestResult> RecordAsync(KefuDbContext db, EmailMessage row, IngestResult result, CancellationToken ct)
    {
        db.EmailMessages.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            return result;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return IngestResult.Duplicate; // another fetch (node) recorded it first
        }
    }

    private static async Task<IngestResult> BounceAsync(
        KefuDbContext db, RealtimePublisher realtime, EmailMessage row, BounceMail bounce, DateTimeOffset now, CancellationToken ct)
    {
        EmailMessage? original = null;
        if (bounce.OriginalMessageId is { } id)
        {
            var originalKey = MailAddresses.Key(id, default);
            original = await db.EmailMessages.FirstOrDefaultAsync(m => m.Direction == MailDirection.Outbound && m.Key == originalKey, ct);
            original?.MarkUndelivered(bounce.Reason, now);
            if (original?.ConversationId is { } conversationId)
            {
                row.BecameMessage(conversationId, original.MessageRowId ?? Guid.Empty);
            }
        }

        var result = await RecordAsync(db, row, IngestResult.Bounce, ct);
        if (result == IngestResult.Bounce && original?.ConversationId is { } conversation)
        {
            await EmailNotes.AddAsync(db, realtime, conversation, now,
                $"E-mail to {original.Address} bounced: {bounce.Reason}\n邮件被退回：{original.Address}。", $"email-bounce:{original.Id}", ct);
        }

        return result;
    }

    private static async Task<InboundFacts> FactsAsync(KefuDbContext db, InboundMail mail, string key, CancellationToken ct)
    {
        var ours = await db.EmailInboxes.AsNoTracking().Select(i => i.Address).ToListAsync(ct);
        var sentByUs = await db.EmailMessages.AnyAsync(m => m.Direction == MailDirection.Outbound && m.Key == key, ct);

        var byNumber = new Dictionary<long, ThreadCandidate>();
        foreach (var number in MailAddresses.TicketNumbers(mail.Subject).Take(5))
        {
            if (await CandidateAsync(db, await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Number == number, ct), ct) is { } candidate)
            {
                byNumber[number] = candidate;
            }
        }

        var byMessageId = new Dictionary<string, ThreadCandidate>(StringComparer.OrdinalIgnoreCase);
        var answers = mail.Answers().Take(30).ToDictionary(id => MailAddresses.Key(id, default), id => id);
        var keys = answers.Keys.ToList();
        var rows = await db.EmailMessages.AsNoTracking().Where(m => keys.Contains(m.Key) && m.ConversationId != null)
            .Select(m => new { m.Key, m.ConversationId }).ToListAsync(ct);
        foreach (var row in rows)
        {
            if (!byMessageId.ContainsKey(answers[row.Key])
                && await CandidateAsync(db, await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == row.ConversationId, ct), ct) is { } candidate)
            {
                byMessageId[answers[row.Key]] = candidate;
            }
        }

        return new InboundFacts(ours, sentByUs, byNumber, byMessageId);
    }

    /// <summary>The conversation a mail may join, following merges to the surviving conversation.</summary>
    private static async Task<ThreadCandidate?> CandidateAsync(KefuDbContext db, Conversation? conversation, CancellationToken ct)
    {
        for (var hops = 0; conversation?.MergedIntoId is { } next && hops < 5; hops++)
        {
            conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == next, ct);
        }

        if (conversation is null)
        {
            return null;
        }

        var addresses = await db.CustomerIdentities.AsNoTracking()
            .Where(i => i.CustomerId == conversation.CustomerId && i.Kind == IdentityKind.Email).Select(i => i.Value).ToListAsync(ct);
        return new ThreadCandidate(conversation.Id, conversation.Number, conversation.Status == ConversationStatus.Closed || conversation.MergedIntoId is not null, addresses);
    }

    private sealed record MailContent(string Text, string? Html, IReadOnlyList<Attachment> Attachments);

    /// <summary>
    /// The message agents see: the new text without the quoted earlier mail, sanitized HTML with inline images
    /// pointing at the file store, and the attachments (stored once per content; over the size limit they are named
    /// in the text and stay only in the original).
    /// </summary>
    private static async Task<MailContent> ContentAsync(KefuDbContext db, EmailOptions options, ParsedMail parsed, DateTimeOffset now, CancellationToken ct)
    {
        var notes = new List<string>();
        var attachments = new List<Attachment>();
        var html = parsed.Html;
        foreach (var file in parsed.Files)
        {
            if (file.Content.Length > options.MaxAttachmentBytes)
            {
                notes.Add($"[{file.FileName}, {TooLarge.FormatSize(file.Content.Length)}: over the {TooLarge.FormatSize(options.MaxAttachmentBytes)} limit, kept only in the original mail]");
                continue;
            }

            var type = FileStore.ContentTypeOf(file.ContentType, file.FileName);
            var sha = await MailFiles.StoreAsync(db, file.Content, type, now, ct);
            var attachment = MailFiles.ToAttachment(sha, file.FileName, type, file.Content.Length);
            var cid = file.ContentId is null ? null : "cid:" + file.ContentId.Trim('<', '>');
            if (cid is not null && html is not null && html.Contains(cid, StringComparison.OrdinalIgnoreCase))
            {
                html = html.Replace(cid, attachment.Url, StringComparison.OrdinalIgnoreCase);
                continue;
            }

            if (attachments.Count < Limits.MaxAttachments)
            {
                attachments.Add(attachment);
            }
            else
            {
                notes.Add($"[{file.FileName}: more than {Limits.MaxAttachments} attachments, kept only in the original mail]");
            }
        }

        notes.AddRange(parsed.Problems.Select(p => $"[{p}]"));
        var text = QuotedReply.Strip(parsed.Text);
        if (notes.Count > 0)
        {
            text = (text + "\n\n" + string.Join('\n', notes)).Trim();
        }

        if (text.Length == 0 && attachments.Count == 0)
        {
            text = parsed.Mail.Subject.Length > 0 ? parsed.Mail.Subject : "(empty mail)";
        }

        string? clean = null;
        if (html is not null)
        {
            (_, clean) = MessageHtml.Normalize(text, StripQuotedHtml(html));
            if (clean is { Length: > Limits.MessageHtml } || string.IsNullOrWhiteSpace(clean))
            {
                clean = null;
            }
        }

        return new MailContent(Truncate(text), clean, attachments);
    }

    /// <summary>Removes the quoted earlier mail of the common clients (Gmail, Apple Mail, Outlook, Thunderbird, QQ/Foxmail).</summary>
    public static string StripQuotedHtml(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        foreach (var selector in new[] { ".gmail_quote", "blockquote[type=cite]", ".moz-cite-prefix", "#divRplyFwdMsg", "#appendonsend", ".yahoo_quoted", "#isReplyContent", "#QQMailSignature ~ *" })
        {
            foreach (var element in document.QuerySelectorAll(selector).ToList())
            {
                if (element.Id == "divRplyFwdMsg" || element.Id == "appendonsend")
                {
                    // Outlook: everything from the reply header on is the old mail.
                    while (element.NextSibling is { } sibling)
                    {
                        sibling.Parent?.RemoveChild(sibling);
                    }
                }

                element.Remove();
            }
        }

        var body = document.Body?.InnerHtml ?? html;
        return string.IsNullOrWhiteSpace(document.Body?.TextContent) && !body.Contains("<img", StringComparison.OrdinalIgnoreCase) ? html : body;
    }

    private static string Truncate(string text) =>
        text.Length <= Limits.MessageText ? text : text[..(Limits.MessageText - 80)] + "\n\n[… cut here; the whole mail is kept as the original]";

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}
