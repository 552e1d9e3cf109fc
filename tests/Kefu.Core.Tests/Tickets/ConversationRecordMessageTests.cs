using Kefu.Core.Common;
using Kefu.Core.Tickets;
using static Kefu.Core.Tests.Tickets.Given;

namespace Kefu.Core.Tests.Tickets;

public sealed class ConversationRecordMessageTests
{
    [Theory]
    [InlineData(ConversationStatus.Pending, "pending")]
    [InlineData(ConversationStatus.OnHold, "on_hold")]
    [InlineData(ConversationStatus.Resolved, "resolved")]
    public void RecordMessage_InboundOnWaitingConversation_ReopensIt(ConversationStatus status, string wire)
    {
        var c = ConversationIn(status);

        var changes = c.RecordMessage(NewMessage(MessageKind.Inbound, AuthorKind.Customer), Now).Value;

        Assert.Equal([new FieldChange("status", wire, "open")], changes);
        Assert.Equal(ConversationStatus.Open, c.Status);
        Assert.Null(c.ResolvedAt);
        Assert.Equal(Now, c.LastMessageAt);
    }

    [Theory]
    [InlineData(ConversationStatus.New)]
    [InlineData(ConversationStatus.Open)]
    public void RecordMessage_InboundOnNewOrOpen_KeepsStatus(ConversationStatus status)
    {
        var c = ConversationIn(status);

        var changes = c.RecordMessage(NewMessage(MessageKind.Inbound, AuthorKind.Customer), Now).Value;

        Assert.Empty(changes);
        Assert.Equal(status, c.Status);
        Assert.Null(c.FirstResponseAt);
        Assert.Equal(Now, c.LastMessageAt);
    }

    [Fact]
    public void RecordMessage_FirstAgentReply_SetsFirstResponseAtAndOpens()
    {
        var c = OpenConversation();

        var changes = c.RecordMessage(NewMessage(MessageKind.Outbound, AuthorKind.Agent), Now).Value;

        Assert.Equal([new FieldChange("status", "new", "open"), new FieldChange("firstResponseAt", null, "2026-11-20T16:59:00.0000000+00:00")], changes);
        Assert.Equal(ConversationStatus.Open, c.Status);
        Assert.Equal(Now, c.FirstResponseAt);
        Assert.Equal(Now, c.LastMessageAt);
    }

    [Fact]
    public void RecordMessage_SecondAgentReply_KeepsFirstResponseAt()
    {
        var c = OpenConversation();
        c.RecordMessage(NewMessage(MessageKind.Outbound, AuthorKind.Agent), Now);
        var later = Now.AddMinutes(5);

        var changes = c.RecordMessage(NewMessage(MessageKind.Outbound, AuthorKind.Agent), later).Value;

        Assert.Empty(changes);
        Assert.Equal(Now, c.FirstResponseAt);
        Assert.Equal(later, c.LastMessageAt);
    }

    [Fact]
    public void RecordMessage_FirstAgentReplyOnPending_SetsFirstResponseAtKeepsStatus()
    {
        var c = ConversationIn(ConversationStatus.Pending);

        var changes = c.RecordMessage(NewMessage(MessageKind.Outbound, AuthorKind.Agent), Now).Value;

        Assert.Equal(["firstResponseAt"], changes.Select(ch => ch.Field));
        Assert.Equal(ConversationStatus.Pending, c.Status);
        Assert.Equal(Now, c.FirstResponseAt);
    }

    [Theory]
    [InlineData(AuthorKind.Bot)]
    [InlineData(AuthorKind.System)]
    public void RecordMessage_NonAgentOutbound_IsNotAFirstResponse(AuthorKind author)
    {
        var c = OpenConversation();

        var changes = c.RecordMessage(NewMessage(MessageKind.Outbound, author), Now).Value;

        Assert.Empty(changes);
        Assert.Equal(ConversationStatus.New, c.Status);
        Assert.Null(c.FirstResponseAt);
        Assert.Equal(Now, c.LastMessageAt);
        Assert.Equal(1, c.MessageCount);
    }

    [Theory]
    [InlineData(ConversationStatus.New, AuthorKind.Agent)]
    [InlineData(ConversationStatus.Pending, AuthorKind.Agent)]
    [InlineData(ConversationStatus.Resolved, AuthorKind.Bot)]
    [InlineData(ConversationStatus.Closed, AuthorKind.System)]
    public void RecordMessage_Note_ChangesNeitherStatusNorLastMessageAtNorFirstResponse(ConversationStatus status, AuthorKind author)
    {
        var c = ConversationIn(status);
        var version = c.Version;

        var changes = c.RecordMessage(NewMessage(MessageKind.Note, author), Now).Value;

        Assert.Empty(changes);
        Assert.Equal(status, c.Status);
        Assert.Equal(Earlier, c.LastMessageAt);
        Assert.Null(c.FirstResponseAt);
        Assert.Equal(1, c.MessageCount);
        Assert.Equal(version + 1, c.Version);
        Assert.Equal(Now, c.UpdatedAt);
    }

    [Theory]
    [InlineData(MessageKind.Inbound, AuthorKind.Customer)]
    [InlineData(MessageKind.Outbound, AuthorKind.Agent)]
    [InlineData(MessageKind.Outbound, AuthorKind.Bot)]
    public void RecordMessage_PublicMessageOnClosed_ReturnsConflict(MessageKind kind, AuthorKind author)
    {
        var c = ConversationIn(ConversationStatus.Closed);
        var version = c.Version;

        var result = c.RecordMessage(NewMessage(kind, author), Now);

        var conflict = Assert.IsType<Conflict>(result.Error);
        Assert.Equal("Conversation #10001 is closed; start a new conversation instead.", conflict.Message);
        Assert.Equal(0, c.MessageCount);
        Assert.Equal(version, c.Version);
        Assert.Equal(ConversationStatus.Closed, c.Status);
    }

    [Fact]
    public void RecordMessage_NoteOnMergedConversation_ReturnsConflict()
    {
        var c = OpenConversation(10001);
        c.MergeInto(OpenConversation(10002), Earlier);

        var result = c.RecordMessage(NewMessage(MessageKind.Note, AuthorKind.Agent), Now);

        var conflict = Assert.IsType<Conflict>(result.Error);
        Assert.Equal("Conversation #10001 was merged into another conversation; write there instead.", conflict.Message);
    }

    [Fact]
    public void RecordMessage_EachMessage_IncrementsCountAndVersion()
    {
        var c = OpenConversation();

        c.RecordMessage(NewMessage(MessageKind.Inbound, AuthorKind.Customer), Now);
        c.RecordMessage(NewMessage(MessageKind.Note, AuthorKind.Agent), Now.AddMinutes(1));
        c.RecordMessage(NewMessage(MessageKind.Outbound, AuthorKind.Agent), Now.AddMinutes(2));

        Assert.Equal(3, c.MessageCount);
        Assert.Equal(4, c.Version);
        Assert.Equal(Now.AddMinutes(2), c.UpdatedAt);
        Assert.Equal(Now.AddMinutes(2), c.LastMessageAt);
    }
}
