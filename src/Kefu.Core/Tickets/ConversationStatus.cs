namespace Kefu.Core.Tickets;

public enum ConversationStatus
{
    New,
    Open,
    Pending,
    OnHold,
    Resolved,
    Closed,
}

public enum Priority
{
    Low,
    Normal,
    High,
    Urgent,
}

public enum Channel
{
    Chat,
    Email,
    Api,
    Phone,
    WebForm,
}

/// <summary>
/// The allowed status transitions. Closed is final: a customer who writes again gets a follow-up conversation.
/// Resolved can be reopened or closed; nothing goes back to New.
/// </summary>
public static class StatusTransitions
{
    public static bool IsAllowed(ConversationStatus from, ConversationStatus to) => from switch
    {
        ConversationStatus.New => to is ConversationStatus.Open or ConversationStatus.Pending or ConversationStatus.OnHold or ConversationStatus.Resolved,
        ConversationStatus.Open => to is ConversationStatus.Pending or ConversationStatus.OnHold or ConversationStatus.Resolved,
        ConversationStatus.Pending => to is ConversationStatus.Open or ConversationStatus.OnHold or ConversationStatus.Resolved,
        ConversationStatus.OnHold => to is ConversationStatus.Open or ConversationStatus.Pending or ConversationStatus.Resolved,
        ConversationStatus.Resolved => to is ConversationStatus.Open or ConversationStatus.Closed,
        ConversationStatus.Closed => false,
    };

    public static IReadOnlyList<ConversationStatus> From(ConversationStatus from) =>
        Enum.GetValues<ConversationStatus>().Where(to => IsAllowed(from, to)).ToList();

    /// <summary>The status after a customer writes: waiting and resolved conversations come back to the agent.</summary>
    public static ConversationStatus AfterCustomerMessage(ConversationStatus status) => status switch
    {
        ConversationStatus.New => ConversationStatus.New,
        ConversationStatus.Open => ConversationStatus.Open,
        ConversationStatus.Pending or ConversationStatus.OnHold or ConversationStatus.Resolved => ConversationStatus.Open,
        ConversationStatus.Closed => ConversationStatus.Closed,
    };

    /// <summary>The status after an agent's public reply: a new conversation becomes open.</summary>
    public static ConversationStatus AfterAgentReply(ConversationStatus status) => status switch
    {
        ConversationStatus.New => ConversationStatus.Open,
        ConversationStatus.Open or ConversationStatus.Pending or ConversationStatus.OnHold or ConversationStatus.Resolved or ConversationStatus.Closed => status,
    };
}

public static class EnumNames
{
    /// <summary>The wire name of a status (snake_case, as in the API): on_hold.</summary>
    public static string Wire(this ConversationStatus status) => status switch
    {
        ConversationStatus.New => "new",
        ConversationStatus.Open => "open",
        ConversationStatus.Pending => "pending",
        ConversationStatus.OnHold => "on_hold",
        ConversationStatus.Resolved => "resolved",
        ConversationStatus.Closed => "closed",
    };
}
