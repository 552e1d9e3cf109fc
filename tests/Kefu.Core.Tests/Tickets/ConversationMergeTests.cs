using Kefu.Core.Common;
using Kefu.Core.Tickets;
using static Kefu.Core.Tests.Tickets.Given;

namespace Kefu.Core.Tests.Tickets;

public sealed class ConversationMergeTests
{
    [Fact]
    public void MergeInto_Itself_ReturnsInvalidTargetId()
    {
        var c = OpenConversation();

        var result = c.MergeInto(c, Now);

        var invalid = Assert.IsType<Invalid>(result.Error);
        Assert.Equal(["must be a different conversation."], invalid.Fields["targetId"]);
        Assert.Null(c.MergedIntoId);
    }

    [Fact]
    public void MergeInto_SourceAlreadyMerged_ReturnsConflict()
    {
        var source = OpenConversation(10001);
        source.MergeInto(OpenConversation(10002), Earlier);
        var other = OpenConversation(10003);

        var result = source.MergeInto(other, Now);

        var conflict = Assert.IsType<Conflict>(result.Error);
        Assert.Equal("Conversation #10001 was already merged.", conflict.Message);
        Assert.Equal(ConversationId(10002), source.MergedIntoId);
        Assert.Equal(1, other.Version);
    }

    [Fact]
    public void MergeInto_TargetAlreadyMerged_ReturnsConflictNamingItsTarget()
    {
        var target = OpenConversation(10002);
        target.MergeInto(OpenConversation(10003), Earlier);
        var source = OpenConversation(10001);

        var result = source.MergeInto(target, Now);

        var conflict = Assert.IsType<Conflict>(result.Error);
        Assert.Equal($"Conversation #10002 was itself merged; merge into {ConversationId(10003)} instead.", conflict.Message);
        Assert.Null(source.MergedIntoId);
    }

    [Fact]
    public void MergeInto_ClosedTarget_ReturnsConflict()
    {
        var source = OpenConversation(10001);
        var target = ConversationIn(ConversationStatus.Closed, 10002);

        var result = source.MergeInto(target, Now);

        var conflict = Assert.IsType<Conflict>(result.Error);
        Assert.Equal("Conversation #10002 is closed and cannot receive a merge.", conflict.Message);
        Assert.Equal(ConversationStatus.New, source.Status);
        Assert.Null(source.MergedIntoId);
    }

    [Fact]
    public void MergeInto_OpenSource_ClosesItAndPointsAtTarget()
    {
        var source = ConversationIn(ConversationStatus.Open, 10001);
        var target = ConversationIn(ConversationStatus.Pending, 10002);
        var sourceVersion = source.Version;

        var changes = source.MergeInto(target, Now).Value;

        Assert.Equal([new FieldChange("mergedInto", null, "#10002"), new FieldChange("status", "open", "closed")], changes);
        Assert.Equal(ConversationStatus.Closed, source.Status);
        Assert.Equal(Now, source.ClosedAt);
        Assert.Equal(target.Id, source.MergedIntoId);
        Assert.Equal(sourceVersion + 1, source.Version);
        Assert.Equal(Now, source.UpdatedAt);
        Assert.Equal(ConversationStatus.Pending, target.Status);
    }

    [Fact]
    public void MergeInto_ClosedSource_IsAllowedAndKeepsItsClosedAt()
    {
        var source = ConversationIn(ConversationStatus.Closed, 10001);
        var target = OpenConversation(10002);

        var changes = source.MergeInto(target, Now).Value;

        Assert.Equal([new FieldChange("mergedInto", null, "#10002")], changes);
        Assert.Equal(Earlier, source.ClosedAt);
        Assert.Equal(target.Id, source.MergedIntoId);
    }

    [Fact]
    public void MergeInto_Tags_AreUnitedIntoTargetTargetFirst()
    {
        var source = OpenConversation(10001, ["refund", "vip"]);
        var target = OpenConversation(10002, ["vip", "shipping"]);

        source.MergeInto(target, Now);

        Assert.Equal(["vip", "shipping", "refund"], target.Tags);
        Assert.Equal(["refund", "vip"], source.Tags);
    }

    [Fact]
    public void MergeInto_MessageCount_MovesToTarget()
    {
        var source = OpenConversation(10001);
        var target = OpenConversation(10002);
        source.RecordMessage(NewMessage(MessageKind.Inbound, AuthorKind.Customer, 10001), Earlier);
        source.RecordMessage(NewMessage(MessageKind.Inbound, AuthorKind.Customer, 10001), Earlier);
        target.RecordMessage(NewMessage(MessageKind.Inbound, AuthorKind.Customer, 10002), Earlier);
        var targetVersion = target.Version;

        source.MergeInto(target, Now);

        Assert.Equal(0, source.MessageCount);
        Assert.Equal(3, target.MessageCount);
        Assert.Equal(targetVersion + 1, target.Version);
        Assert.Equal(Now, target.UpdatedAt);
    }

    [Theory]
    [InlineData(10, 20, 10)]
    [InlineData(20, 10, 10)]
    [InlineData(10, null, 10)]
    [InlineData(null, 20, 20)]
    [InlineData(null, null, null)]
    public void MergeInto_FirstResponseAt_KeepsEarliest(int? sourceMinutes, int? targetMinutes, int? expectedMinutes)
    {
        var source = OpenConversation(10001);
        var target = OpenConversation(10002);
        var start = Now.AddHours(-2);
        if (sourceMinutes is { } s)
        {
            source.RecordMessage(NewMessage(MessageKind.Outbound, AuthorKind.Agent, 10001), start.AddMinutes(s));
        }

        if (targetMinutes is { } t)
        {
            target.RecordMessage(NewMessage(MessageKind.Outbound, AuthorKind.Agent, 10002), start.AddMinutes(t));
        }

        source.MergeInto(target, Now);

        Assert.Equal(expectedMinutes is { } e ? start.AddMinutes(e) : null, target.FirstResponseAt);
    }

    [Fact]
    public void MergeInto_LastMessageAt_KeepsLatest()
    {
        var source = OpenConversation(10001);
        var target = OpenConversation(10002);
        source.RecordMessage(NewMessage(MessageKind.Inbound, AuthorKind.Customer, 10001), Earlier.AddMinutes(30));

        source.MergeInto(target, Now);

        Assert.Equal(Earlier.AddMinutes(30), target.LastMessageAt);
    }
}
