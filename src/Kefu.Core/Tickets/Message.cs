using Kefu.Core.Common;

namespace Kefu.Core.Tickets;

public enum MessageKind
{
    Inbound,
    Outbound,
    Note,
}

public enum AuthorKind
{
    Customer,
    Agent,
    Bot,
    System,
}

public sealed record Attachment(string FileName, string ContentType, long Size, string? Url);

/// <summary>A message in a conversation: from the customer, to the customer, or an internal note.</summary>
public sealed class Message
{
    private Message()
    {
    }

    public Guid Id { get; private set; }

    public Guid ConversationId { get; private set; }

    public MessageKind Kind { get; private set; }

    public AuthorKind AuthorKind { get; private set; }

    public Guid? AuthorId { get; private set; }

    public string Text { get; private set; } = "";

    /// <summary>Sanitized HTML, or null for plain-text messages.</summary>
    public string? Html { get; private set; }

    public List<Attachment> Attachments { get; private set; } = [];

    /// <summary>The sender's own id for this message: a retry with the same id never makes a second message.</summary>
    public string? ClientMessageId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The category the assistant suggests for an inbound message (agents can apply it), or null.</summary>
    public Guid? SuggestedCategoryId { get; private set; }

    public double? CategoryConfidence { get; private set; }

    /// <summary>Sentiment of an inbound message: polarity in [-1, 1] (negative below 0), null until analysed.</summary>
    public double? Sentiment { get; private set; }

    /// <summary>negative, neutral or positive.</summary>
    public string? SentimentLabel { get; private set; }

    /// <summary>Answers the customer can pick with one click (the bot's "did you mean…" suggestions).</summary>
    public List<string> QuickReplies { get; private set; } = [];

    /// <summary>Stores what the assistant read in an inbound message.</summary>
    public void Analysed(Guid? categoryId, double? categoryConfidence, double sentiment, string sentimentLabel)
    {
        SuggestedCategoryId = categoryId;
        CategoryConfidence = categoryId is null ? null : categoryConfidence;
        Sentiment = Math.Clamp(sentiment, -1, 1);
        SentimentLabel = sentimentLabel;
    }

    public void Offer(IReadOnlyList<string> quickReplies) => QuickReplies = quickReplies.Where(q => !string.IsNullOrWhiteSpace(q)).Take(5).ToList();

    public static Result<Message> Create(
        Guid conversationId, MessageKind kind, AuthorKind author, Guid? authorId, string text, string? html,
        IReadOnlyList<Attachment>? attachments, string? clientMessageId, DateTimeOffset now, string fieldPrefix = "")
    {
        var errors = new FieldErrors()
            .MaxLength(fieldPrefix + "text", text, Limits.MessageText)
            .MaxLength(fieldPrefix + "html", html, Limits.MessageHtml)
            .MaxLength(fieldPrefix + "clientMessageId", clientMessageId, Limits.ClientMessageId);
        if (string.IsNullOrWhiteSpace(text) && (attachments is null || attachments.Count == 0))
        {
            errors.Add(fieldPrefix + "text", "is required unless the message has attachments.");
        }

        if (!AuthorFits(kind, author))
        {
            errors.Add(fieldPrefix + "kind", $"a {kind.ToString().ToLowerInvariant()} message cannot be written by a {author.ToString().ToLowerInvariant()}.");
        }

        ValidateAttachments(errors, fieldPrefix + "attachments", attachments);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        return new Message
        {
            Id = Guid.CreateVersion7(now),
            ConversationId = conversationId,
            Kind = kind,
            AuthorKind = author,
            AuthorId = authorId,
            Text = text.Trim(),
            Html = html,
            Attachments = attachments?.ToList() ?? [],
            ClientMessageId = string.IsNullOrWhiteSpace(clientMessageId) ? null : clientMessageId.Trim(),
            CreatedAt = now,
        };
    }

    public static bool AuthorFits(MessageKind kind, AuthorKind author) => kind switch
    {
        MessageKind.Inbound => author == AuthorKind.Customer,
        MessageKind.Outbound or MessageKind.Note => author != AuthorKind.Customer,
    };

    public void MoveTo(Guid conversationId) => ConversationId = conversationId;

    private static void ValidateAttachments(FieldErrors errors, string field, IReadOnlyList<Attachment>? attachments)
    {
        if (attachments is null)
        {
            return;
        }

        if (attachments.Count > Limits.MaxAttachments)
        {
            errors.Add(field, $"must contain at most {Limits.MaxAttachments} attachments.");
        }

        for (var i = 0; i < attachments.Count; i++)
        {
            var a = attachments[i];
            errors.Required($"{field}[{i}].fileName", a.FileName, Limits.FileName)
                .Required($"{field}[{i}].contentType", a.ContentType, Limits.ContentType)
                .MaxLength($"{field}[{i}].url", a.Url, Limits.Url);
            if (a.Size < 0)
            {
                errors.Add($"{field}[{i}].size", "must not be negative.");
            }
        }
    }
}
