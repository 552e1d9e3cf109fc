namespace Kefu.Core.Channels.Email;

public enum MailDirection
{
    Inbound,
    Outbound,
}

/// <summary>What became of a mail. Inbound: stored, or why not. Outbound: where delivery stands.</summary>
public enum MailStatus
{
    /// <summary>Inbound: became a message of a conversation.</summary>
    Received,

    /// <summary>Inbound: a copy of our own mail, or a mail from one of our own addresses (a loop); nothing stored.</summary>
    Ignored,

    /// <summary>Inbound: an automatic reply (out of office…): kept as a note when it threads, never answered.</summary>
    AutoReply,

    /// <summary>Inbound: a delivery status notification about one of our mails.</summary>
    Bounce,

    /// <summary>Inbound: could not be taken in; kept with its error for an admin to look at.</summary>
    Quarantined,

    /// <summary>Outbound: waiting to be sent (or to be tried again).</summary>
    Pending,

    /// <summary>Outbound: the SMTP server accepted it.</summary>
    Sent,

    /// <summary>Outbound: every attempt failed, or the server refused it for good.</summary>
    Failed,

    /// <summary>Outbound: accepted, then bounced back (a DSN reported it undeliverable).</summary>
    Undelivered,
}

/// <summary>
/// One mail in or out of an inbox: its Message-ID (unique per inbox and direction: a mail fetched twice is taken in
/// once), where it came from in the IMAP folder, the message it became or was made from, and its delivery state.
/// </summary>
public sealed class EmailMessage
{
    private EmailMessage()
    {
    }

    public Guid Id { get; private set; }

    public Guid InboxId { get; private set; }

    public MailDirection Direction { get; private set; }

    /// <summary><see cref="MailAddresses.Key"/> of the Message-ID: unique per inbox and direction.</summary>
    public string Key { get; private set; } = "";

    /// <summary>The Message-ID without angle brackets (cut to 500 characters).</summary>
    public string? MessageId { get; private set; }

    public Guid? ConversationId { get; private set; }

    /// <summary>The conversation message this mail became (inbound) or carries (outbound).</summary>
    public Guid? MessageRowId { get; private set; }

    public MailStatus Status { get; private set; }

    /// <summary>Inbound: the customer's address (Reply-To, else From). Outbound: the recipient.</summary>
    public string Address { get; private set; } = "";

    public string Subject { get; private set; } = "";

    /// <summary>The Message-IDs this mail answers (In-Reply-To and References), space-separated; outbound replies use them too.</summary>
    public string References { get; private set; } = "";

    public long? Uid { get; private set; }

    public long? UidValidity { get; private set; }

    /// <summary>SHA-256 of the raw mail in the file store (the original, as received or sent).</summary>
    public string? RawSha256 { get; private set; }

    public int Attempts { get; private set; }

    /// <summary>What the SMTP server said when it took the mail (queue id).</summary>
    public string? ProviderId { get; private set; }

    public string? Error { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static EmailMessage Inbound(
        Guid inboxId, string key, string? messageId, MailStatus status, string address, string subject, string references,
        long? uid, long? uidValidity, string? rawSha256, string? error, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        InboxId = inboxId,
        Direction = MailDirection.Inbound,
        Key = key,
        MessageId = Cut(messageId, 500),
        Status = status,
        Address = Cut(address, 320) ?? "",
        Subject = Cut(subject, 300) ?? "",
        References = Cut(references, 4000) ?? "",
        Uid = uid,
        UidValidity = uidValidity,
        RawSha256 = rawSha256,
        Error = Cut(error, 2000),
        CreatedAt = now,
        UpdatedAt = now,
    };

    public static EmailMessage Outbound(
        Guid id, Guid inboxId, string messageId, Guid conversationId, Guid messageRowId, string address, string subject, string references, DateTimeOffset now) => new()
    {
        Id = id,
        InboxId = inboxId,
        Direction = MailDirection.Outbound,
        Key = MailAddresses.Key(messageId, default),
        MessageId = messageId,
        ConversationId = conversationId,
        MessageRowId = messageRowId,
        Status = MailStatus.Pending,
        Address = address,
        Subject = Cut(subject, 300) ?? "",
        References = Cut(references, 4000) ?? "",
        CreatedAt = now,
        UpdatedAt = now,
    };

    public void BecameMessage(Guid conversationId, Guid messageRowId)
    {
        ConversationId = conversationId;
        MessageRowId = messageRowId;
    }

    public void SetRaw(string sha256) => RawSha256 = sha256;

    public void Attempted(DateTimeOffset now)
    {
        Attempts++;
        UpdatedAt = now;
    }

    public void MarkSent(string? providerId, DateTimeOffset now)
    {
        Status = MailStatus.Sent;
        ProviderId = Cut(providerId, 200);
        Error = null;
        UpdatedAt = now;
    }

    public void MarkRetrying(string error, DateTimeOffset now)
    {
        Error = Cut(error, 2000);
        UpdatedAt = now;
    }

    public void MarkFailed(string error, DateTimeOffset now)
    {
        Status = MailStatus.Failed;
        Error = Cut(error, 2000);
        UpdatedAt = now;
    }

    public void MarkUndelivered(string error, DateTimeOffset now)
    {
        Status = MailStatus.Undelivered;
        Error = Cut(error, 2000);
        UpdatedAt = now;
    }

    private static string? Cut(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
