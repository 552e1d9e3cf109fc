using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;

namespace Kefu.Server.Features.Conversations;

public sealed record ConversationDto(
    Guid Id, long Number, string Display, Channel Channel, string Subject, ConversationStatus Status, Priority Priority,
    Guid? CategoryId, IReadOnlyList<string> Tags, Guid CustomerId, string CustomerName, Guid? AssigneeId, Guid? TeamId,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset LastMessageAt, DateTimeOffset? FirstResponseAt,
    DateTimeOffset? ResolvedAt, DateTimeOffset? ClosedAt, Guid? MergedIntoId, int MessageCount, int Version,
    Features.Sla.ConversationSlaDto? Sla = null)
{
    public static ConversationDto From(Conversation c, string customerName) => new(
        c.Id, c.Number, Conversation.Display(c.Number), c.Channel, c.Subject, c.Status, c.Priority, c.CategoryId, c.Tags,
        c.CustomerId, customerName, c.AssigneeId, c.TeamId, c.CreatedAt, c.UpdatedAt, c.LastMessageAt, c.FirstResponseAt,
        c.ResolvedAt, c.ClosedAt, c.MergedIntoId, c.MessageCount, c.Version, Features.Sla.ConversationSlaDto.From(c));
}

/// <summary>What the assistant read in a customer message: a suggested category with its confidence, and the sentiment (polarity in [-1, 1]).</summary>
public sealed record MessageInsight(Guid? SuggestedCategoryId, double? CategoryConfidence, double? Sentiment, string? SentimentLabel)
{
    public static MessageInsight? From(Message m) =>
        m.SentimentLabel is null ? null : new(m.SuggestedCategoryId, m.CategoryConfidence, m.Sentiment, m.SentimentLabel);
}

/// <param name="Insight">Inbound messages once the assistant has read them (moments after they arrive), else null.</param>
/// <param name="QuickReplies">Answers offered to the customer as buttons (the bot's suggestions), if any.</param>
public sealed record MessageDto(
    Guid Id, Guid ConversationId, MessageKind Kind, AuthorKind AuthorKind, Guid? AuthorId, string Text, string? Html,
    IReadOnlyList<Attachment> Attachments, string? ClientMessageId, DateTimeOffset CreatedAt, MessageInsight? Insight = null, IReadOnlyList<string>? QuickReplies = null)
{
    public static MessageDto From(Message m) =>
        new(m.Id, m.ConversationId, m.Kind, m.AuthorKind, m.AuthorId, m.Text, m.Html, m.Attachments, m.ClientMessageId, m.CreatedAt,
            MessageInsight.From(m), m.QuickReplies.Count > 0 ? m.QuickReplies : null);
}

public sealed record ConversationDetail(ConversationDto Conversation, IReadOnlyList<MessageDto> Messages);

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>The customer of a new conversation, found by one identity or created with it.</summary>
public sealed record CustomerRef(IdentityKind? Kind, string? Source, string? Value, string? Name, string? Language);

public sealed record NewMessage(MessageKind? Kind, string? Text, string? Html, string? ClientMessageId, IReadOnlyList<Attachment>? Attachments);

public sealed record CreateConversationRequest(
    Channel? Channel, string? Subject, Guid? CustomerId, CustomerRef? Customer, NewMessage? Message,
    Priority? Priority, Guid? CategoryId, IReadOnlyList<string>? Tags, Guid? AssigneeId, Guid? TeamId);

public sealed record MergeRequest(Guid? TargetId);

/// <summary>PATCH body: omitted fields stay unchanged; null clears assignee, team or category.</summary>
public sealed record UpdateConversationRequest
{
    public Optional<string> Subject { get; init; }

    public Optional<ConversationStatus> Status { get; init; }

    public Optional<Priority> Priority { get; init; }

    public Optional<Guid?> CategoryId { get; init; }

    public Optional<IReadOnlyList<string>> Tags { get; init; }

    public Optional<Guid?> AssigneeId { get; init; }

    public Optional<Guid?> TeamId { get; init; }

    public ConversationPatch ToPatch() => new(Subject, Status, Priority, CategoryId, Tags, AssigneeId, TeamId);
}
