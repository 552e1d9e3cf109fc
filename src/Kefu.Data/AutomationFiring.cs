namespace Kefu.Data;

/// <summary>
/// A time-based rule fired for a conversation in one state (the anchor: when that state began). The key makes it
/// fire once per state, on however many nodes, across restarts.
/// </summary>
public sealed class AutomationFiring
{
    public Guid RuleId { get; set; }

    public Guid ConversationId { get; set; }

    /// <summary>When the state began, e.g. when the conversation became pending or got its last message.</summary>
    public DateTimeOffset Anchor { get; set; }

    public DateTimeOffset FiredAt { get; set; }
}
