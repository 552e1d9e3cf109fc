namespace Kefu.Core.Common;

/// <summary>One line of the activity trail: who changed what, when, from what to what.</summary>
public sealed class ActivityEntry
{
    private ActivityEntry()
    {
    }

    public Guid Id { get; private set; }

    public DateTimeOffset At { get; private set; }

    public ActorKind ActorKind { get; private set; }

    public Guid? ActorId { get; private set; }

    public string ActorName { get; private set; } = "";

    /// <summary>conversation, customer, team, agent, category, token.</summary>
    public string EntityType { get; private set; } = "";

    public Guid EntityId { get; private set; }

    /// <summary>created, updated, merged, message_added, identity_added, …</summary>
    public string Action { get; private set; } = "";

    public string? Field { get; private set; }

    public string? Before { get; private set; }

    public string? After { get; private set; }

    public static ActivityEntry Create(Actor actor, DateTimeOffset now, string entityType, Guid entityId, string action, FieldChange? change = null) => new()
    {
        Id = Guid.CreateVersion7(now),
        At = now,
        ActorKind = actor.Kind,
        ActorId = actor.Id,
        ActorName = actor.Name,
        EntityType = entityType,
        EntityId = entityId,
        Action = action,
        Field = change?.Field,
        Before = Truncate(change?.Before),
        After = Truncate(change?.After),
    };

    public static IEnumerable<ActivityEntry> Updated(Actor actor, DateTimeOffset now, string entityType, Guid entityId, IEnumerable<FieldChange> changes) =>
        changes.Select(c => Create(actor, now, entityType, entityId, "updated", c));

    // Never cut between the halves of a surrogate pair (an emoji): the lone half is not valid UTF-8.
    private static string? Truncate(string? value) =>
        value is { Length: > 1000 } ? value[..(char.IsHighSurrogate(value[999]) ? 999 : 1000)] + "…" : value;
}
