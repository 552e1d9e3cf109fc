using Kefu.Core.Channels.Email;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Email;

/// <summary>An inbox as admins see it. Passwords are write-only: only whether one is stored.</summary>
public sealed record EmailInboxDto(
    Guid Id, string Name, string Address, string DisplayName,
    string ImapHost, int ImapPort, MailSecurity ImapSecurity, string ImapUser, bool HasImapPassword, string ImapFolder,
    string SmtpHost, int SmtpPort, MailSecurity SmtpSecurity, string SmtpUser, bool HasSmtpPassword,
    string Signature, int PollSeconds, Guid? TeamId, bool IsDefault, bool IsActive, DateTimeOffset CreatedAt,
    DateTimeOffset? LastCheckedAt, string? LastError)
{
    public static EmailInboxDto From(EmailInbox i) => new(
        i.Id, i.Name, i.Address, i.DisplayName, i.ImapHost, i.ImapPort, i.ImapSecurity, i.ImapUser, i.ImapPasswordProtected.Length > 0, i.ImapFolder,
        i.SmtpHost, i.SmtpPort, i.SmtpSecurity, i.SmtpUser, i.SmtpPasswordProtected.Length > 0, i.Signature, i.PollSeconds, i.TeamId,
        i.IsDefault, i.IsActive, i.CreatedAt, i.LastCheckedAt, i.LastError);
}

/// <summary>
/// A new inbox or a full replacement of its settings. Passwords are plain text here and stored encrypted; on an
/// update, an omitted (null) password keeps the stored one.
/// </summary>
public sealed record EmailInboxRequest(
    string? Name, string? Address, string? DisplayName,
    string? ImapHost, int? ImapPort, MailSecurity? ImapSecurity, string? ImapUser, string? ImapPassword, string? ImapFolder,
    string? SmtpHost, int? SmtpPort, MailSecurity? SmtpSecurity, string? SmtpUser, string? SmtpPassword,
    string? Signature, int? PollSeconds, Guid? TeamId, bool? IsDefault, bool? IsActive)
{
    public EmailInboxSettings ToSettings(MailSecrets secrets, EmailInbox? current) => new(
        Name, Address, DisplayName,
        ImapHost, ImapPort ?? current?.ImapPort ?? 993, ImapSecurity ?? current?.ImapSecurity ?? MailSecurity.Auto, ImapUser,
        string.IsNullOrEmpty(ImapPassword) ? null : secrets.Protect(ImapPassword), string.IsNullOrWhiteSpace(ImapFolder) ? "INBOX" : ImapFolder,
        SmtpHost, SmtpPort ?? current?.SmtpPort ?? 587, SmtpSecurity ?? current?.SmtpSecurity ?? MailSecurity.Auto, SmtpUser,
        string.IsNullOrEmpty(SmtpPassword) ? null : secrets.Protect(SmtpPassword),
        Signature, PollSeconds ?? current?.PollSeconds ?? EmailInbox.DefaultPollSeconds, TeamId, IsDefault ?? current?.IsDefault ?? false,
        IsActive ?? current?.IsActive ?? true);
}

/// <summary>Test settings before saving them; a blank password uses the stored one of <see cref="InboxId"/>.</summary>
public sealed record ConnectionTestRequest(Guid? InboxId, EmailInboxRequest Settings);

/// <summary>A mail in an inbox's log (the quarantine, bounces, ignored loops and deliveries).</summary>
public sealed record EmailMessageDto(
    Guid Id, Guid InboxId, MailDirection Direction, MailStatus Status, string? MessageId, string Address, string Subject,
    Guid? ConversationId, long? Uid, int Attempts, string? ProviderId, string? Error, string? RawUrl, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static EmailMessageDto From(EmailMessage m) => new(
        m.Id, m.InboxId, m.Direction, m.Status, m.MessageId, m.Address, m.Subject, m.ConversationId, m.Uid, m.Attempts, m.ProviderId, m.Error,
        m.RawSha256 is null ? null : Chat.FileStore.Url(m.RawSha256, "original.eml"), m.CreatedAt, m.UpdatedAt);
}

/// <summary>The steps that change e-mail inboxes, shared by the admin API and the admin page.</summary>
public static class EmailInboxCommands
{
    public static async Task<Result<EmailInbox>> CreateAsync(
        KefuDbContext db, MailSecrets secrets, Actor actor, DateTimeOffset now, EmailInboxRequest r, CancellationToken ct)
    {
        var errors = new FieldErrors();
        await References.CheckAsync(db, errors, null, null, r.TeamId, ct);
        var created = EmailInbox.Create(Guid.CreateVersion7(now), r.ToSettings(secrets, null), now);
        if (errors.Include(created.Error).ToError() is { } invalid)
        {
            return invalid;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (created.Value.IsDefault)
        {
            await ClearOtherDefaultsAsync(db, created.Value.Id, ct);
        }

        db.EmailInboxes.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(actor, now, "email_inbox", created.Value.Id, "created", new("address", null, created.Value.Address)));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return created.Value;
    }

    public static async Task<Result<EmailInbox>> UpdateAsync(
        KefuDbContext db, MailSecrets secrets, Actor actor, DateTimeOffset now, Guid id, EmailInboxRequest r, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var inbox = await db.EmailInboxes.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (inbox is null)
        {
            return new NotFound("E-mail inbox", id.ToString());
        }

        var errors = new FieldErrors();
        await References.CheckAsync(db, errors, null, null, r.TeamId, ct);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = inbox.Apply(r.ToSettings(secrets, inbox));
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        if (inbox.IsDefault)
        {
            await ClearOtherDefaultsAsync(db, inbox.Id, ct);
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "email_inbox", id, changes.Value));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return inbox;
    }

    /// <summary>Tests the given settings; blank passwords fall back to the stored ones of an existing inbox.</summary>
    public static async Task<ConnectionTestResult> TestAsync(KefuDbContext db, MailSecrets secrets, ConnectionTestRequest request, CancellationToken ct)
    {
        var s = request.Settings;
        var stored = request.InboxId is { } id ? await db.EmailInboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) : null;
        var imapPassword = !string.IsNullOrEmpty(s.ImapPassword) ? s.ImapPassword : stored is null ? "" : secrets.Unprotect(stored.ImapPasswordProtected);
        var smtpPassword = !string.IsNullOrEmpty(s.SmtpPassword) ? s.SmtpPassword : stored is null ? "" : secrets.Unprotect(stored.SmtpPasswordProtected);
        var imap = new MailEndpoint(s.ImapHost?.Trim() ?? "", s.ImapPort ?? 993, s.ImapSecurity ?? MailSecurity.Auto, s.ImapUser?.Trim() ?? "", imapPassword);
        var smtp = new MailEndpoint(s.SmtpHost?.Trim() ?? "", s.SmtpPort ?? 587, s.SmtpSecurity ?? MailSecurity.Auto, s.SmtpUser?.Trim() ?? "", smtpPassword);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(45));
        return await MailConnections.TestAsync(imap, string.IsNullOrWhiteSpace(s.ImapFolder) ? "INBOX" : s.ImapFolder.Trim(), smtp, timeout.Token);
    }

    /// <summary>One default inbox answers other channels' conversations by e-mail.</summary>
    private static async Task ClearOtherDefaultsAsync(KefuDbContext db, Guid keep, CancellationToken ct)
    {
        foreach (var other in await db.EmailInboxes.Where(i => i.IsDefault && i.Id != keep).ToListAsync(ct))
        {
            other.ClearDefault();
        }
    }
}
