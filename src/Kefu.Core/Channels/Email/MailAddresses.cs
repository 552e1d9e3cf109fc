using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Kefu.Core.Channels.Email;

/// <summary>Addresses, Message-IDs and the ticket number in subjects: the small syntax the e-mail channel relies on.</summary>
public static partial class MailAddresses
{
    /// <summary>Our own Message-IDs start with this, so a copy of our own mail is recognised even without a database row.</summary>
    public const string MessageIdPrefix = "kefu.";

    public static bool IsValid(string? address)
    {
        var a = address?.Trim() ?? "";
        var at = a.IndexOf('@');
        return at > 0 && at == a.LastIndexOf('@') && at < a.Length - 1 && !a.Any(char.IsWhiteSpace) && a.Length <= 320;
    }

    public static string Normalize(string address) => address.Trim().ToLowerInvariant();

    public static string Domain(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? "localhost" : address[(at + 1)..].Trim().ToLowerInvariant();
    }

    /// <summary>A Message-ID without angle brackets and surrounding space; null when there is none.</summary>
    public static string? NormalizeId(string? messageId)
    {
        var id = messageId?.Trim().Trim('<', '>').Trim();
        return string.IsNullOrEmpty(id) ? null : id;
    }

    /// <summary>The Message-ID of a reply Kefu sends: unique, and recognisably ours.</summary>
    public static string NewMessageId(Guid id, string fromAddress) => $"{MessageIdPrefix}{id:N}@{Domain(fromAddress)}";

    public static bool IsOurs(string? messageId) =>
        NormalizeId(messageId) is { } id && id.StartsWith(MessageIdPrefix, StringComparison.OrdinalIgnoreCase) && id.Length > MessageIdPrefix.Length + 32
        && Guid.TryParseExact(id.AsSpan(MessageIdPrefix.Length, 32), "N", out _);

    /// <summary>
    /// A fixed-length key for a Message-ID (unique per inbox in the database). A mail without one is keyed by its
    /// content, so fetching it twice still finds the first copy.
    /// </summary>
    public static string Key(string? messageId, ReadOnlySpan<byte> rawWhenNoId) =>
        NormalizeId(messageId) is { } id
            ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id.ToLowerInvariant())))
            : "raw:" + Convert.ToHexStringLower(SHA256.HashData(rawWhenNoId))[..60];

    /// <summary>The ticket numbers written as [#10042] in a subject, in order of appearance.</summary>
    public static IReadOnlyList<long> TicketNumbers(string? subject)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return [];
        }

        return TicketTag().Matches(subject).Select(m => long.TryParse(m.Groups[1].Value, out var n) ? n : -1).Where(n => n > 0).Distinct().ToList();
    }

    /// <summary>The subject of a reply: "Re: " once, and the ticket tag once.</summary>
    public static string ReplySubject(string subject, long number)
    {
        var tag = $"[#{number}]";
        var s = string.IsNullOrWhiteSpace(subject) ? "" : subject.Trim();
        if (!s.Contains(tag, StringComparison.Ordinal))
        {
            s = s.Length == 0 ? tag : $"{s} {tag}";
        }

        return ReplyPrefix().IsMatch(s) ? s : "Re: " + s;
    }

    /// <summary>A subject without reply/forward prefixes and ticket tags, for a new conversation's title.</summary>
    public static string CleanSubject(string? subject)
    {
        var s = TicketTag().Replace(subject ?? "", "").Trim();
        while (ReplyPrefix().Match(s) is { Success: true } m)
        {
            s = s[m.Length..].TrimStart();
        }

        return s;
    }

    [GeneratedRegex(@"\[#(\d{1,18})\]")]
    private static partial Regex TicketTag();

    [GeneratedRegex(@"^\s*(re|fw|fwd|aw|wg|sv|vs|tr|rv|答复|回复|转发|回覆|轉寄)\s*[:：]\s*", RegexOptions.IgnoreCase)]
    private static partial Regex ReplyPrefix();
}
