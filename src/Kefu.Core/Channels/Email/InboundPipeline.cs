namespace Kefu.Core.Channels.Email;

/// <summary>What to do with a received mail.</summary>
public abstract record InboundDecision(string Reason);

/// <summary>Our own mail came back, or a mail from one of our addresses: keep nothing (a loop).</summary>
public sealed record IgnoreMail(string Reason) : InboundDecision(Reason);

/// <summary>A delivery failure report about the mail with <paramref name="OriginalMessageId"/>.</summary>
public sealed record BounceMail(string? OriginalMessageId, string? Recipient, string Reason) : InboundDecision(Reason);

/// <summary>An automatic reply: never answered; kept as a note on its conversation when it threads into one.</summary>
public sealed record AutoReplyMail(ThreadCandidate? Target, string Reason) : InboundDecision(Reason);

/// <summary>A customer message for an existing conversation.</summary>
public sealed record ThreadIntoConversation(ThreadCandidate Target, string Reason) : InboundDecision(Reason);

/// <summary>A customer message that starts a new conversation.</summary>
public sealed record StartConversation(string Reason) : InboundDecision(Reason);

/// <summary>Cannot be taken in as it is; kept with the reason for an admin.</summary>
public sealed record QuarantineMail(string Reason) : InboundDecision(Reason);

/// <summary>
/// The inbound e-mail pipeline: small filters in a fixed order, each either deciding or passing the mail on.
/// Loops first (never answer ourselves), then delivery reports, then a sender check, then auto-replies, then
/// threading: ticket number in the subject, In-Reply-To/References, else a new conversation.
/// </summary>
public static class InboundPipeline
{
    public delegate InboundDecision? Filter(InboundMail mail, InboundFacts facts);

    public static readonly IReadOnlyList<(string Name, Filter Run)> Filters =
    [
        ("loop", Loop),
        ("bounce", Bounce),
        ("sender", Sender),
        ("auto-reply", AutoReply),
        ("thread", (m, f) => Thread(m, f)),
    ];

    public static InboundDecision Decide(InboundMail mail, InboundFacts facts)
    {
        foreach (var (_, run) in Filters)
        {
            if (run(mail, facts) is { } decision)
            {
                return decision;
            }
        }

        throw new InvalidOperationException("The thread filter always decides.");
    }

    public static InboundDecision? Loop(InboundMail mail, InboundFacts facts)
    {
        if (facts.MessageIdIsOurs || MailAddresses.IsOurs(mail.MessageId))
        {
            return new IgnoreMail("its Message-ID is one of ours: our own mail came back.");
        }

        var ours = facts.OurAddresses.Select(MailAddresses.Normalize).ToHashSet();
        if (mail.FromAddress is { } from && ours.Contains(MailAddresses.Normalize(from)))
        {
            return new IgnoreMail($"it was sent from our own address {from}.");
        }

        foreach (var header in new[] { "x-kefu-loop", "x-loop" })
        {
            var value = mail.Header(header).ToLowerInvariant();
            if (value.Length > 0 && ours.Any(value.Contains))
            {
                return new IgnoreMail($"its {header} header names our own address.");
            }
        }

        return null;
    }

    public static InboundDecision? Bounce(InboundMail mail, InboundFacts facts)
    {
        if (mail.Report is { } report)
        {
            return report.IsFailure
                ? new BounceMail(MailAddresses.NormalizeId(report.OriginalMessageId), report.Recipient,
                    $"delivery to {report.Recipient ?? "the recipient"} failed: {report.Status} {report.Diagnostic}".Trim())
                : new IgnoreMail($"a delivery report ({report.Action}) that needs no action.");
        }

        var from = mail.FromAddress?.ToLowerInvariant() ?? "";
        var returnPath = mail.Header("return-path");
        if ((from.StartsWith("mailer-daemon@", StringComparison.Ordinal) || from.StartsWith("postmaster@", StringComparison.Ordinal)) && returnPath is "" or "<>")
        {
            return new BounceMail(MailAddresses.NormalizeId(mail.InReplyTo), null, "a bounce from a mail server without a readable delivery report.");
        }

        return null;
    }

    public static InboundDecision? Sender(InboundMail mail, InboundFacts facts) =>
        MailAddresses.IsValid(mail.CustomerAddress) ? null : new QuarantineMail("the mail has no readable sender address (From or Reply-To).");

    public static InboundDecision? AutoReply(InboundMail mail, InboundFacts facts)
    {
        var reason = AutoReplyReason(mail);
        return reason is null ? null : new AutoReplyMail((Thread(mail, facts) as ThreadIntoConversation)?.Target, reason);
    }

    /// <summary>Why the mail is an automatic reply (RFC 3834 and the common vendor headers), or null.</summary>
    public static string? AutoReplyReason(InboundMail mail)
    {
        var submitted = mail.Header("auto-submitted").ToLowerInvariant();
        if (submitted.Length > 0 && !submitted.StartsWith("no", StringComparison.Ordinal))
        {
            return $"Auto-Submitted: {submitted}";
        }

        var precedence = mail.Header("precedence").ToLowerInvariant();
        if (precedence is "auto_reply" or "junk" or "bulk")
        {
            return $"Precedence: {precedence}";
        }

        foreach (var header in new[] { "x-autoreply", "x-autorespond", "x-auto-response-suppress" })
        {
            if (mail.Header(header).Length > 0)
            {
                return $"{header} header";
            }
        }

        return null;
    }

    /// <summary>
    /// Threading: a ticket number in the subject, trusted only when the sender is that conversation's customer or
    /// the mail answers one of its messages (a stranger typing [#10042] cannot write into someone else's
    /// conversation); then In-Reply-To/References; else a new conversation. Closed conversations take no replies.
    /// </summary>
    public static InboundDecision Thread(InboundMail mail, InboundFacts facts)
    {
        var answers = mail.Answers();
        var sender = MailAddresses.Normalize(mail.FromAddress ?? "");
        var replyTo = MailAddresses.Normalize(mail.CustomerAddress ?? "");
        foreach (var number in MailAddresses.TicketNumbers(mail.Subject))
        {
            if (!facts.ByNumber.TryGetValue(number, out var candidate) || candidate.IsClosed)
            {
                continue;
            }

            var known = candidate.CustomerAddresses.Select(MailAddresses.Normalize).ToHashSet();
            var answersIt = answers.Any(id => facts.ByMessageId.TryGetValue(id, out var c) && c.ConversationId == candidate.ConversationId);
            if (known.Contains(sender) || known.Contains(replyTo) || answersIt)
            {
                return new ThreadIntoConversation(candidate, $"ticket number [#{number}] in the subject");
            }
        }

        foreach (var id in answers)
        {
            if (facts.ByMessageId.TryGetValue(id, out var candidate) && !candidate.IsClosed)
            {
                return new ThreadIntoConversation(candidate, id == MailAddresses.NormalizeId(mail.InReplyTo) ? "In-Reply-To" : "References");
            }
        }

        return new StartConversation("no open conversation matched its ticket number or the mails it answers.");
    }
}
