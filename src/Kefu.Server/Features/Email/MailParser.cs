using System.Text;
using AngleSharp.Html.Parser;
using Kefu.Core.Channels.Email;
using MimeKit;

namespace Kefu.Server.Features.Email;

/// <summary>A file carried by a mail: an attachment, or an inline image the HTML refers to by Content-ID.</summary>
public sealed record MailFile(string FileName, string ContentType, byte[] Content, string? ContentId, bool Inline);

/// <summary>A received mail as the pipeline needs it: the filter fields (Core) plus the bodies and files.</summary>
public sealed record ParsedMail(InboundMail Mail, string Text, string? Html, IReadOnlyList<MailFile> Files, IReadOnlyList<string> Problems);

/// <summary>
/// MIME → <see cref="ParsedMail"/>, with MimeKit. Charsets: MimeKit decodes bodies and RFC 2047 headers with the
/// encodings .NET knows; the code-page provider (registered once here) adds GBK/GB2312 (936), GB18030, Big5 and
/// ISO-2022-JP, which .NET Core does not carry by default. Parsing is lenient: what can be read is read, and what
/// could not is listed in Problems rather than thrown.
/// </summary>
public static class MailParser
{
    static MailParser() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Makes sure the code pages are registered before MimeKit decodes anything (e.g. on the send path).</summary>
    public static void EnsureEncodings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static MimeMessage Load(byte[] raw)
    {
        EnsureEncodings();
        using var stream = new MemoryStream(raw, writable: false);
        return MimeMessage.Load(new ParserOptions { CharsetEncoding = Encoding.UTF8 }, stream);
    }

    public static ParsedMail Parse(byte[] raw) => Parse(Load(raw));

    public static ParsedMail Parse(MimeMessage message)
    {
        var problems = new List<string>();
        var from = message.From.Mailboxes.FirstOrDefault();
        var replyTo = message.ReplyTo.Mailboxes.FirstOrDefault();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in InboundMail.FilterHeaders)
        {
            if (message.Headers[name] is { } value)
            {
                headers[name] = value;
            }
        }

        var mail = new InboundMail(
            message.MessageId, message.InReplyTo, message.References.ToList(), message.Subject ?? "",
            ValidAddress(from?.Address), string.IsNullOrWhiteSpace(from?.Name) ? null : from.Name.Trim(), ValidAddress(replyTo?.Address),
            headers, Report(message));

        string? text = null, html = null;
        try
        {
            text = message.TextBody;
            html = message.HtmlBody;
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException or NotSupportedException)
        {
            problems.Add("the body could not be decoded: " + e.Message);
        }

        var files = new List<MailFile>();
        var index = 0;
        foreach (var entity in message.BodyParts)
        {
            index++;
            try
            {
                if (ToFile(entity, index) is { } file)
                {
                    files.Add(file);
                }
            }
            catch (Exception e) when (e is FormatException or IOException or InvalidOperationException)
            {
                problems.Add($"part {index} ({entity.ContentType.MimeType}) could not be read: {e.Message}");
            }
        }

        // The text chosen as the body is not an attachment too.
        if (string.IsNullOrWhiteSpace(text) && string.IsNullOrWhiteSpace(html) && files.Count == 0 && message.Body is null)
        {
            problems.Add("the mail has no body.");
        }

        if (string.IsNullOrWhiteSpace(text) && !string.IsNullOrWhiteSpace(html))
        {
            text = new HtmlParser().ParseDocument(html).Body?.TextContent.Trim();
        }

        return new ParsedMail(mail, (text ?? "").Replace("\r\n", "\n").Trim(), string.IsNullOrWhiteSpace(html) ? null : html, files, problems);
    }

    private static string? ValidAddress(string? address) => MailAddresses.IsValid(address) ? address!.Trim() : null;

    private static MailFile? ToFile(MimeEntity entity, int index)
    {
        switch (entity)
        {
            case TextPart text when !text.IsAttachment && text.ContentId is null && (text.IsPlain || text.IsHtml):
                return null; // a body alternative
            case MessageDeliveryStatus:
                return null; // read as the delivery report
            case MessagePart { Message: { } inner } when entity.ContentType.MimeType is "message/rfc822" or "message/global":
                using (var buffer = new MemoryStream())
                {
                    inner.WriteTo(buffer);
                    var name = entity.ContentDisposition?.FileName ?? (string.IsNullOrWhiteSpace(inner.Subject) ? $"message-{index}" : inner.Subject) + ".eml";
                    return new MailFile(name, "message/rfc822", buffer.ToArray(), null, false);
                }

            case MimePart part when part.Content is not null:
                using (var buffer = new MemoryStream())
                {
                    part.Content.DecodeTo(buffer);
                    var type = part.ContentType.MimeType.ToLowerInvariant();
                    var name = part.FileName ?? $"{(part.ContentId is null ? "attachment" : "image")}-{index}{Extension(type)}";
                    var inline = part.ContentId is not null && !part.IsAttachment;
                    return new MailFile(name, type, buffer.ToArray(), part.ContentId, inline);
                }

            default:
                return null;
        }
    }

    private static string Extension(string type) => type switch
    {
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "text/plain" => ".txt",
        "application/pdf" => ".pdf",
        _ => "",
    };

    /// <summary>The first recipient's status from a multipart/report delivery-status, with the original Message-ID.</summary>
    private static DeliveryReport? Report(MimeMessage message)
    {
        if (message.Body is not MultipartReport report || !string.Equals(report.ReportType, "delivery-status", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var status = report.OfType<MessageDeliveryStatus>().FirstOrDefault();
        var recipient = status?.StatusGroups.Skip(1).FirstOrDefault();
        var original = report.OfType<MessagePart>().Select(p => p.Message?.MessageId).FirstOrDefault(id => id is not null);
        var action = recipient?["Action"]?.Trim() ?? "failed";
        var finalRecipient = recipient?["Final-Recipient"] ?? recipient?["Original-Recipient"];
        if (finalRecipient?.IndexOf(';') is int semicolon and >= 0)
        {
            finalRecipient = finalRecipient[(semicolon + 1)..];
        }

        var diagnostic = recipient?["Diagnostic-Code"];
        if (diagnostic?.IndexOf(';') is int d and >= 0)
        {
            diagnostic = diagnostic[(d + 1)..];
        }

        return new DeliveryReport(original, action, recipient?["Status"]?.Trim(), finalRecipient?.Trim(), diagnostic?.Trim());
    }
}
