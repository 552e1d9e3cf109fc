namespace Kefu.Core.Workspace;

public enum NotificationKind
{
    Mention,
    Assigned,
    NewMessage,

    /// <summary>An automation rule's "notify" action; the actor name is the rule's.</summary>
    Automation,

    /// <summary>An SLA warning, breach or escalation.</summary>
    Sla,

    /// <summary>Routing: a conversation offered to you, or (supervisors) re-offered after a first-response timeout.</summary>
    Routing,

    /// <summary>A conversation transferred to you or your team, with the handover note.</summary>
    Transfer,

    /// <summary>A promise to a customer is due soon or overdue.</summary>
    Promise,

    /// <summary>A resolved conversation is due for its follow-up.</summary>
    FollowUp,

    /// <summary>A compensation or refund waits for your approval, or was decided.</summary>
    Approval,
}

/// <summary>Something an agent should see: an @mention, an assignment, a customer message in their conversation.</summary>
public sealed class Notification
{
    private Notification()
    {
    }

    public Guid Id { get; private set; }

    public Guid AgentId { get; private set; }

    public NotificationKind Kind { get; private set; }

    public Guid ConversationId { get; private set; }

    public long ConversationNumber { get; private set; }

    public string ActorName { get; private set; } = "";

    public string Preview { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? ReadAt { get; private set; }

    public static Notification Create(Guid agentId, NotificationKind kind, Guid conversationId, long number, string actorName, string text, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        AgentId = agentId,
        Kind = kind,
        ConversationId = conversationId,
        ConversationNumber = number,
        ActorName = actorName,
        Preview = text.Length <= 140 ? text : text[..140] + "…",
        CreatedAt = now,
    };

    public void MarkRead(DateTimeOffset now) => ReadAt ??= now;
}

/// <summary>Finds @mentions of agents in a note: "@王伟" or "@Wei Wang" (display name) or "@wei" (e-mail name).</summary>
public static class Mentions
{
    public static IReadOnlyList<Guid> Find(string text, IEnumerable<(Guid Id, string DisplayName, string Email)> agents)
    {
        var found = new List<Guid>();
        foreach (var (id, name, email) in agents)
        {
            var local = email.Split('@')[0];
            if (Mentioned(text, name) || Mentioned(text, local))
            {
                found.Add(id);
            }
        }

        return found;
    }

    private static bool Mentioned(string text, string handle)
    {
        if (handle.Length == 0)
        {
            return false;
        }

        var at = 0;
        while ((at = text.IndexOf("@" + handle, at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var end = at + handle.Length + 1;
            // "@wei" must not match "@weiwang": the handle ends at a non-letter, unless it is CJK (no spaces in Chinese).
            if (end >= text.Length || !char.IsLetterOrDigit(text[end]) || IsCjk(handle[^1]))
            {
                return true;
            }

            at = end;
        }

        return false;
    }

    private static bool IsCjk(char c) => c is >= '\u4e00' and <= '\u9fff';
}
