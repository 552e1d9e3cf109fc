namespace Kefu.Core.Channels.Chat;

public sealed record PageVisit(string Url, string? Title, DateTimeOffset At);

/// <summary>What a visitor's browser tells us, recorded on each (re)connection.</summary>
public sealed record VisitorContext(string? Url, string? Title, string? Referrer, string? Language, string? UserAgent, string? Ip);

/// <summary>
/// One visitor's chat in one inbox: the link between a browser (visitor id), a customer and the current
/// conversation, with the visit's context and both sides' read positions.
/// </summary>
public sealed class ChatSession
{
    public const int MaxPages = 50;

    private ChatSession()
    {
    }

    public Guid Id { get; private set; }

    public Guid InboxId { get; private set; }

    public string VisitorId { get; private set; } = "";

    public Guid CustomerId { get; private set; }

    public Guid? ConversationId { get; private set; }

    /// <summary>True when the website vouched for the visitor's identity with a valid HMAC.</summary>
    public bool Verified { get; private set; }

    public string? CurrentUrl { get; private set; }

    public string? Referrer { get; private set; }

    public string? Language { get; private set; }

    public string? UserAgent { get; private set; }

    public string? Ip { get; private set; }

    public List<PageVisit> Pages { get; private set; } = [];

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset LastSeenAt { get; private set; }

    public DateTimeOffset? VisitorReadAt { get; private set; }

    public DateTimeOffset? AgentReadAt { get; private set; }

    public static ChatSession Start(Guid id, Guid inboxId, string visitorId, Guid customerId, bool verified, DateTimeOffset now) => new()
    {
        Id = id,
        InboxId = inboxId,
        VisitorId = visitorId,
        CustomerId = customerId,
        Verified = verified,
        StartedAt = now,
        LastSeenAt = now,
    };

    /// <summary>Records where the visitor is now; a new page is appended to this visit's trail (capped).</summary>
    public void Seen(VisitorContext context, DateTimeOffset now)
    {
        LastSeenAt = now;
        Referrer ??= Clip(context.Referrer, 2000);
        Language = Clip(context.Language, 16) ?? Language;
        UserAgent = Clip(context.UserAgent, 500) ?? UserAgent;
        Ip = Clip(context.Ip, 64) ?? Ip;
        var url = Clip(context.Url, 2000);
        if (url is not null && url != CurrentUrl)
        {
            CurrentUrl = url;
            Pages = Pages.Append(new PageVisit(url, Clip(context.Title, 300), now)).TakeLast(MaxPages).ToList();
        }
    }

    public void Attach(Guid conversationId) => ConversationId = conversationId;

    public void LinkCustomer(Guid customerId, bool verified)
    {
        CustomerId = customerId;
        Verified = Verified || verified;
    }

    public void VisitorRead(DateTimeOffset upTo) => VisitorReadAt = Max(VisitorReadAt, upTo);

    public void AgentRead(DateTimeOffset upTo) => AgentReadAt = Max(AgentReadAt, upTo);

    private static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    private static string? Clip(string? value, int max) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Length <= max ? value : value[..max];
}
