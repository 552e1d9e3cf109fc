using Kefu.Core.Common;

namespace Kefu.Core.Channels.Email;

/// <summary>How a mail connection is secured. Auto: TLS on the well-known TLS ports, STARTTLS when the server offers it.</summary>
public enum MailSecurity
{
    Auto,
    None,
    StartTls,
    Tls,
}

/// <summary>
/// An e-mail inbox: a support address read over IMAP (IDLE, or polling when the server has no IDLE) and answered
/// over SMTP. Passwords are stored encrypted by the server (Data Protection); this type only holds the protected text.
/// </summary>
public sealed class EmailInbox
{
    public const int DefaultPollSeconds = 60;

    private EmailInbox()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>The support address customers write to; the From of every reply.</summary>
    public string Address { get; private set; } = "";

    /// <summary>The From name of replies ("Acme Support"); empty uses the inbox name.</summary>
    public string DisplayName { get; private set; } = "";

    public string ImapHost { get; private set; } = "";

    public int ImapPort { get; private set; } = 993;

    public MailSecurity ImapSecurity { get; private set; }

    public string ImapUser { get; private set; } = "";

    public string ImapPasswordProtected { get; private set; } = "";

    public string ImapFolder { get; private set; } = "INBOX";

    public string SmtpHost { get; private set; } = "";

    public int SmtpPort { get; private set; } = 587;

    public MailSecurity SmtpSecurity { get; private set; }

    /// <summary>Empty: send without signing in (a relay that trusts this server).</summary>
    public string SmtpUser { get; private set; } = "";

    public string SmtpPasswordProtected { get; private set; } = "";

    /// <summary>Added under every reply; {agent} is the replying agent's name, {inbox} this inbox's display name.</summary>
    public string Signature { get; private set; } = "";

    /// <summary>Seconds between checks when the server has no IDLE (and the longest an IDLE waits before checking anyway).</summary>
    public int PollSeconds { get; private set; } = DefaultPollSeconds;

    /// <summary>New conversations go to this team.</summary>
    public Guid? TeamId { get; private set; }

    /// <summary>The inbox that answers conversations from other channels by e-mail (the chat widget's offline messages).</summary>
    public bool IsDefault { get; private set; }

    public bool IsActive { get; private set; } = true;

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Bumped on every settings change, so the reader reconnects with the new settings.</summary>
    public int Version { get; private set; } = 1;

    /// <summary>The IMAP folder's UIDVALIDITY the high-water mark belongs to; a new one starts the folder over.</summary>
    public long UidValidity { get; private set; }

    /// <summary>Every message up to this UID has been taken in (stored, ignored or quarantined).</summary>
    public long LastUid { get; private set; }

    public DateTimeOffset? LastCheckedAt { get; private set; }

    /// <summary>Why the last connection failed; null while reading works.</summary>
    public string? LastError { get; private set; }

    public string FromName => DisplayName.Length > 0 ? DisplayName : Name;

    public static Result<EmailInbox> Create(Guid id, EmailInboxSettings settings, DateTimeOffset now)
    {
        var inbox = new EmailInbox { Id = id, CreatedAt = now };
        var applied = inbox.Apply(settings);
        return applied.IsOk ? inbox : applied.Error!;
    }

    /// <summary>Applies settings. Protected passwords are applied only when given (null keeps the stored one).</summary>
    public Result<IReadOnlyList<FieldChange>> Apply(EmailInboxSettings s)
    {
        var errors = new FieldErrors()
            .Required("name", s.Name, Limits.Name)
            .Required("address", s.Address, Limits.Email)
            .MaxLength("displayName", s.DisplayName, Limits.Name)
            .Required("imapHost", s.ImapHost, 255)
            .Required("imapUser", s.ImapUser, Limits.Email)
            .Required("imapFolder", s.ImapFolder, 255)
            .Required("smtpHost", s.SmtpHost, 255)
            .MaxLength("smtpUser", s.SmtpUser, Limits.Email)
            .MaxLength("signature", s.Signature, Limits.Description);
        if (!string.IsNullOrWhiteSpace(s.Address) && !MailAddresses.IsValid(s.Address))
        {
            errors.Add("address", "must be an e-mail address such as support@example.com.");
        }

        if (s.ImapPort is < 1 or > 65535)
        {
            errors.Add("imapPort", "must be a port number (1–65535), usually 993 or 143.");
        }

        if (s.SmtpPort is < 1 or > 65535)
        {
            errors.Add("smtpPort", "must be a port number (1–65535), usually 587, 465 or 25.");
        }

        if (s.PollSeconds is < 5 or > 3600)
        {
            errors.Add("pollSeconds", "must be between 5 and 3600 seconds.");
        }

        if (s.ImapPasswordProtected is null && ImapPasswordProtected.Length == 0)
        {
            errors.Add("imapPassword", "is required.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        void Set<T>(string field, T before, T after, Action<T> apply, bool secret = false)
        {
            if (!EqualityComparer<T>.Default.Equals(before, after))
            {
                // Secrets are recorded as changed, never with their value.
                changes.Add(secret ? new(field, null, "(changed)") : new(field, before?.ToString(), after?.ToString()));
                apply(after);
            }
        }

        var folderChanged = s.ImapFolder!.Trim() != ImapFolder || s.ImapHost!.Trim().ToLowerInvariant() != ImapHost || s.ImapUser!.Trim() != ImapUser;
        Set("name", Name, s.Name!.Trim(), v => Name = v);
        Set("address", Address, MailAddresses.Normalize(s.Address!), v => Address = v);
        Set("displayName", DisplayName, s.DisplayName?.Trim() ?? "", v => DisplayName = v);
        Set("imapHost", ImapHost, s.ImapHost!.Trim().ToLowerInvariant(), v => ImapHost = v);
        Set("imapPort", ImapPort, s.ImapPort, v => ImapPort = v);
        Set("imapSecurity", ImapSecurity, s.ImapSecurity, v => ImapSecurity = v);
        Set("imapUser", ImapUser, s.ImapUser!.Trim(), v => ImapUser = v);
        Set("imapFolder", ImapFolder, s.ImapFolder.Trim(), v => ImapFolder = v);
        Set("smtpHost", SmtpHost, s.SmtpHost!.Trim().ToLowerInvariant(), v => SmtpHost = v);
        Set("smtpPort", SmtpPort, s.SmtpPort, v => SmtpPort = v);
        Set("smtpSecurity", SmtpSecurity, s.SmtpSecurity, v => SmtpSecurity = v);
        Set("smtpUser", SmtpUser, s.SmtpUser?.Trim() ?? "", v => SmtpUser = v);
        Set("signature", Signature, s.Signature?.Trim() ?? "", v => Signature = v);
        Set("pollSeconds", PollSeconds, s.PollSeconds, v => PollSeconds = v);
        Set("teamId", TeamId, s.TeamId, v => TeamId = v);
        Set("isDefault", IsDefault, s.IsDefault, v => IsDefault = v);
        Set("isActive", IsActive, s.IsActive, v => IsActive = v);
        if (s.ImapPasswordProtected is { } imap)
        {
            Set("imapPassword", ImapPasswordProtected, imap, v => ImapPasswordProtected = v, secret: true);
        }

        if (s.SmtpPasswordProtected is { } smtp)
        {
            Set("smtpPassword", SmtpPasswordProtected, smtp, v => SmtpPasswordProtected = v, secret: true);
        }

        if (folderChanged)
        {
            // Another mailbox: its UIDs mean nothing here. Message-IDs still keep mails already taken in from doubling.
            UidValidity = 0;
            LastUid = 0;
        }

        if (changes.Count > 0)
        {
            Version++;
        }

        return changes;
    }

    public void ClearDefault() => IsDefault = false;

    /// <summary>Records a successful check (or the error of a failed connection).</summary>
    public void Checked(DateTimeOffset now, string? error)
    {
        LastCheckedAt = now;
        LastError = error;
    }

    /// <summary>Whether the folder must be read from the start again: its UIDVALIDITY changed.</summary>
    public bool FolderReset(long uidValidity) => UidValidity != uidValidity;

    public void StartFolder(long uidValidity)
    {
        UidValidity = uidValidity;
        LastUid = 0;
    }
}

/// <summary>Everything an admin sets; a null protected password keeps the stored one.</summary>
public sealed record EmailInboxSettings(
    string? Name, string? Address, string? DisplayName,
    string? ImapHost, int ImapPort, MailSecurity ImapSecurity, string? ImapUser, string? ImapPasswordProtected, string? ImapFolder,
    string? SmtpHost, int SmtpPort, MailSecurity SmtpSecurity, string? SmtpUser, string? SmtpPasswordProtected,
    string? Signature, int PollSeconds, Guid? TeamId, bool IsDefault, bool IsActive = true);
