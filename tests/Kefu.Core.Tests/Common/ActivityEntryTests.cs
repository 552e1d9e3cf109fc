using Kefu.Core.Common;

namespace Kefu.Core.Tests.Common;

public sealed class ActivityEntryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 16, 59, 0, TimeSpan.Zero);
    private static readonly Guid AgentId = Guid.Parse("0195a3c0-0000-7000-8000-000000000001");
    private static readonly Guid ConversationId = Guid.Parse("0195a3c0-0000-7000-8000-0000000000c1");

    [Fact]
    public void Create_WithChange_CopiesActorEntityAndChange()
    {
        var entry = ActivityEntry.Create(Actor.Agent(AgentId, "Li Na"), Now, "conversation", ConversationId, "updated", new FieldChange("status", "new", "open"));

        Assert.Equal(Now, entry.At);
        Assert.Equal(ActorKind.Agent, entry.ActorKind);
        Assert.Equal(AgentId, entry.ActorId);
        Assert.Equal("Li Na", entry.ActorName);
        Assert.Equal("conversation", entry.EntityType);
        Assert.Equal(ConversationId, entry.EntityId);
        Assert.Equal("updated", entry.Action);
        Assert.Equal("status", entry.Field);
        Assert.Equal("new", entry.Before);
        Assert.Equal("open", entry.After);
        Assert.Equal(7, entry.Id.Version);
    }

    [Fact]
    public void Create_LongValues_TruncatesToThousandCharactersAndEllipsis()
    {
        var entry = ActivityEntry.Create(Actor.System, Now, "customer", ConversationId, "updated", new FieldChange("attributes.note", new string('a', 1000), new string('b', 1001)));

        Assert.Equal(new string('a', 1000), entry.Before);
        Assert.Equal(new string('b', 1000) + "…", entry.After);
        Assert.Equal(ActorKind.System, entry.ActorKind);
        Assert.Null(entry.ActorId);
        Assert.Equal("system", entry.ActorName);
    }

    [Fact]
    public void Create_EmojiAtTruncationPoint_DoesNotSplitSurrogatePair()
    {
        // A lone high surrogate is not valid UTF-8: Npgsql refuses to write it (npgsql/npgsql#2751).
        var value = new string('a', 999) + "😀😀";

        var entry = ActivityEntry.Create(Actor.System, Now, "customer", ConversationId, "updated", new FieldChange("attributes.note", null, value));

        Assert.Equal(new string('a', 999) + "…", entry.After);
    }

    [Fact]
    public void Updated_TwoChanges_OneEntryPerChange()
    {
        FieldChange[] changes = [new("priority", "normal", "high"), new("tags", "", "vip")];

        var entries = ActivityEntry.Updated(Actor.System, Now, "conversation", ConversationId, changes).ToList();

        Assert.Equal(["priority", "tags"], entries.Select(e => e.Field));
        Assert.All(entries, e => Assert.Equal("updated", e.Action));
    }
}
