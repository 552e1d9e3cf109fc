namespace Kefu.Core.Channels.Email;

/// <summary>A delivery status notification (RFC 3464) about a mail we sent: what happened to which recipient.</summary>
public sealed record DeliveryReport(string? OriginalMessageId, string Action, string? Status, string? Recipient, string? Diagnostic)
{
    public bool IsFailure => Action.Equals("failed", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// The parts of a received mail the inbound filters look at, already decoded (the server parses MIME; Core decides).
/// Headers holds the loop and auto-reply headers by lower-case name.
/// </summary>
public sealed record InboundMail(
    string? MessageId,
    string? InReplyTo,
    IReadOnlyList<string> References,
    string Subject,
    string? FromAddress,
    string? FromName,
    string? ReplyToAddress,
    IReadOnlyDictionary<string, string> Headers,
    DeliveryReport? Report)
{
    /// <summary>The headers the filters read; the server copies exactly these.</summary>
    public static readonly IReadOnlyList<string> FilterHeaders =
    [
        "auto-submitted", "precedence", "x-autoreply", "x-autorespond", "x-auto-response-suppress", "x-loop", "x-kefu-loop", "return-path",
    ];

    /// <summary>Where replies to the customer go: Reply-To when given, else From.</summary>
    public string? CustomerAddress => ReplyToAddress ?? FromAddress;

    /// <summary>Message-IDs this mail answers, most specific first: In-Reply-To, then References from the newest.</summary>
    public IReadOnlyList<string> Answers()
    {
        var ids = new List<string>();
        if (MailAddresses.NormalizeId(InReplyTo) is { } reply)
        {
            ids.Add(reply);
        }

        for (var i = References.Count - 1; i >= 0; i--)
        {
            if (MailAddresses.NormalizeId(References[i]) is { } r && !ids.Contains(r, StringComparer.OrdinalIgnoreCase))
            {
                ids.Add(r);
            }
        }

        return ids;
    }

    public string Header(string name) => Headers.TryGetValue(name, out var v) ? v.Trim() : "";
}

/// <summary>An open conversation a mail may belong to, with what the threading rules need to trust the match.</summary>
public sealed record ThreadCandidate(Guid ConversationId, long Number, bool IsClosed, IReadOnlyList<string> CustomerAddresses);

/// <summary>
/// What the server looked up for one mail: our own addresses, whether its Message-ID is one we sent, the
/// conversations named by ticket numbers in its subject, and the conversations of the Message-IDs it answers.
/// </summary>
public sealed record InboundFacts(
    IReadOnlyCollection<string> OurAddresses,
    bool MessageIdIsOurs,
    IReadOnlyDictionary<long, ThreadCandidate> ByNumber,
    IReadOnlyDictionary<string, ThreadCandidate> ByMessageId);
