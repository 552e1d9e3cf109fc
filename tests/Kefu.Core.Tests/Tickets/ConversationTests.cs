using Kefu.Core.Common;
using Kefu.Core.Tickets;
using static Kefu.Core.Tests.Tickets.Given;

namespace Kefu.Core.Tests.Tickets;

public sealed class ConversationTests
{
    [Fact]
    public void Open_ValidInput_StartsNewAtVersionOne()
    {
        var id = ConversationId(10001);

        var result = Conversation.Open(id, 10001, Channel.Email, "  Where is my order?  ", CustomerId, Priority.High, CategoryId, ["Shipping"], AgentId, TeamId, Now);

        var c = result.Value;
        Assert.Equal(id, c.Id);
        Assert.Equal(10001, c.Number);
        Assert.Equal(Channel.Email, c.Channel);
        Assert.Equal("Where is my order?", c.Subject);
        Assert.Equal(ConversationStatus.New, c.Status);
        Assert.Equal(Priority.High, c.Priority);
        Assert.Equal(CategoryId, c.CategoryId);
        Assert.Equal(["shipping"], c.Tags);
        Assert.Equal(CustomerId, c.CustomerId);
        Assert.Equal(AgentId, c.AssigneeId);
        Assert.Equal(TeamId, c.TeamId);
        Assert.Equal(Now, c.CreatedAt);
        Assert.Equal(Now, c.UpdatedAt);
        Assert.Equal(Now, c.LastMessageAt);
        Assert.Null(c.FirstResponseAt);
        Assert.Null(c.ResolvedAt);
        Assert.Null(c.ClosedAt);
        Assert.Null(c.MergedIntoId);
        Assert.Equal(0, c.MessageCount);
        Assert.Equal(1, c.Version);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData(" Refund ", "Refund")]
    public void Open_OptionalSubject_IsTrimmedOrEmpty(string? subject, string expected)
    {
        var c = Conversation.Open(ConversationId(10001), 10001, Channel.Chat, subject, CustomerId, Priority.Normal, null, null, null, null, Now).Value;

        Assert.Equal(expected, c.Subject);
        Assert.Empty(c.Tags);
    }

    [Theory]
    [InlineData(300, true)]
    [InlineData(301, false)]
    public void Open_SubjectLength_AtMost300(int length, bool valid)
    {
        var result = Conversation.Open(ConversationId(10001), 10001, Channel.Chat, new string('s', length), CustomerId, Priority.Normal, null, null, null, null, Now);

        Assert.Equal(valid, result.IsOk);
        if (!valid)
        {
            var invalid = Assert.IsType<Invalid>(result.Error);
            Assert.Equal(["must be at most 300 characters."], invalid.Fields["subject"]);
        }
    }

    [Fact]
    public void Open_MixedTags_NormalizesLowerCaseTrimmedDistinct()
    {
        var c = Conversation.Open(ConversationId(10001), 10001, Channel.Chat, "Hi", CustomerId, Priority.Normal, null, [" VIP ", "Refund", "vip", "REFUND ", "退款"], null, null, Now).Value;

        Assert.Equal(["vip", "refund", "退款"], c.Tags);
    }

    [Fact]
    public void Open_InvalidTags_ReturnsInvalidPerTag()
    {
        var result = Conversation.Open(ConversationId(10001), 10001, Channel.Chat, "Hi", CustomerId, Priority.Normal, null, ["ok", " ", new string('t', 51)], null, null, Now);

        var invalid = Assert.IsType<Invalid>(result.Error);
        Assert.Equal(["tags[1]", "tags[2]"], invalid.Fields.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Open_ThirtyOneTags_ReturnsInvalidTags()
    {
        var tags = Enumerable.Range(1, 31).Select(i => $"tag{i}").ToList();

        var result = Conversation.Open(ConversationId(10001), 10001, Channel.Chat, "Hi", CustomerId, Priority.Normal, null, tags, null, null, Now);

        var invalid = Assert.IsType<Invalid>(result.Error);
        Assert.Equal(["must contain at most 30 tags."], invalid.Fields["tags"]);
    }

    [Fact]
    public void Display_Number_PrefixesHash()
    {
        Assert.Equal("#10001", Conversation.Display(10001));
    }

    [Theory]
    [InlineData("  My parcel is late  ", "My parcel is late")]
    [InlineData("First line\r\nSecond line", "First line")]
    [InlineData("\n\n  Hello\nworld", "Hello")]
    [InlineData("", "")]
    public void SubjectFrom_Text_TakesFirstLine(string text, string subject)
    {
        Assert.Equal(subject, Conversation.SubjectFrom(text));
    }

    [Fact]
    public void SubjectFrom_LongLine_CutsAt80WithEllipsis()
    {
        Assert.Equal(new string('a', 80), Conversation.SubjectFrom(new string('a', 80)));
        Assert.Equal(new string('a', 80) + "…", Conversation.SubjectFrom(new string('a', 81)));
    }

    [Fact]
    public void SubjectFrom_EmojiAtCut_DoesNotSplitSurrogatePair()
    {
        // A lone high surrogate is not valid UTF-8: Npgsql refuses to write it (npgsql/npgsql#2751).
        var text = new string('a', 79) + "😀 is my parcel lost?";

        var subject = Conversation.SubjectFrom(text);

        Assert.Equal(new string('a', 79) + "…", subject);
    }

    [Fact]
    public void Apply_Subject_TrimsAndRecordsChange()
    {
        var c = OpenConversation();

        var changes = c.Apply(new ConversationPatch(Subject: "  Parcel lost  "), Now).Value;

        Assert.Equal([new FieldChange("subject", "Where is my order?", "Parcel lost")], changes);
        Assert.Equal("Parcel lost", c.Subject);
    }

    [Theory]
    [InlineData(null, "is required.")]
    [InlineData("  ", "is required.")]
    [InlineData("301", "must be at most 300 characters.")]
    public void Apply_InvalidSubject_ReturnsInvalidAndChangesNothing(string? subject, string message)
    {
        var c = OpenConversation();
        var patch = new ConversationPatch(Subject: new Optional<string>(true, subject == "301" ? new string('s', 301) : subject!), Priority: Priority.Urgent);

        var result = c.Apply(patch, Now);

        var invalid = Assert.IsType<Invalid>(result.Error);
        Assert.Equal([message], invalid.Fields["subject"]);
        Assert.Equal("Where is my order?", c.Subject);
        Assert.Equal(Priority.Normal, c.Priority);
        Assert.Equal(1, c.Version);
        Assert.Equal(Earlier, c.UpdatedAt);
    }

    [Fact]
    public void Apply_Priority_RecordsLowerCaseNames()
    {
        var c = OpenConversation();

        var changes = c.Apply(new ConversationPatch(Priority: Priority.Urgent), Now).Value;

        Assert.Equal([new FieldChange("priority", "normal", "urgent")], changes);
        Assert.Equal(Priority.Urgent, c.Priority);
    }

    [Fact]
    public void Apply_CategoryId_SetsThenClears()
    {
        var c = OpenConversation();

        var set = c.Apply(new ConversationPatch(CategoryId: CategoryId), Now).Value;
        Assert.Equal([new FieldChange("categoryId", null, CategoryId.ToString())], set);
        Assert.Equal(CategoryId, c.CategoryId);

        var cleared = c.Apply(new ConversationPatch(CategoryId: new Optional<Guid?>(true, null)), Now).Value;
        Assert.Equal([new FieldChange("categoryId", CategoryId.ToString(), null)], cleared);
        Assert.Null(c.CategoryId);
        Assert.Equal(3, c.Version);
    }

    [Fact]
    public void Apply_AssigneeId_SetsThenClears()
    {
        var c = OpenConversation();

        var set = c.Apply(new ConversationPatch(AssigneeId: AgentId), Now).Value;
        Assert.Equal([new FieldChange("assigneeId", null, AgentId.ToString())], set);
        Assert.Equal(AgentId, c.AssigneeId);

        var cleared = c.Apply(new ConversationPatch(AssigneeId: new Optional<Guid?>(true, null)), Now).Value;
        Assert.Equal([new FieldChange("assigneeId", AgentId.ToString(), null)], cleared);
        Assert.Null(c.AssigneeId);
    }

    [Fact]
    public void Apply_TeamId_SetsThenClears()
    {
        var c = OpenConversation();

        var set = c.Apply(new ConversationPatch(TeamId: TeamId), Now).Value;
        Assert.Equal([new FieldChange("teamId", null, TeamId.ToString())], set);
        Assert.Equal(TeamId, c.TeamId);

        var cleared = c.Apply(new ConversationPatch(TeamId: new Optional<Guid?>(true, null)), Now).Value;
        Assert.Equal([new FieldChange("teamId", TeamId.ToString(), null)], cleared);
        Assert.Null(c.TeamId);
    }

    [Fact]
    public void Apply_AbsentIds_LeavesThemAlone()
    {
        var c = Conversation.Open(ConversationId(10001), 10001, Channel.Chat, "Hi", CustomerId, Priority.Normal, CategoryId, null, AgentId, TeamId, Earlier).Value;

        var changes = c.Apply(new ConversationPatch(Priority: Priority.Low), Now).Value;

        Assert.Single(changes);
        Assert.Equal(CategoryId, c.CategoryId);
        Assert.Equal(AgentId, c.AssigneeId);
        Assert.Equal(TeamId, c.TeamId);
    }

    [Fact]
    public void Apply_Tags_NormalizesAndRecordsCommaLists()
    {
        var c = OpenConversation(tags: ["vip"]);

        var changes = c.Apply(new ConversationPatch(Tags: new[] { " VIP ", "Refund", "refund" }), Now).Value;

        Assert.Equal([new FieldChange("tags", "vip", "vip,refund")], changes);
        Assert.Equal(["vip", "refund"], c.Tags);
    }

    [Fact]
    public void Apply_EmptyTagList_RemovesAllTags()
    {
        var c = OpenConversation(tags: ["vip", "refund"]);

        var changes = c.Apply(new ConversationPatch(Tags: Array.Empty<string>()), Now).Value;

        Assert.Equal([new FieldChange("tags", "vip,refund", "")], changes);
        Assert.Empty(c.Tags);
    }

    [Fact]
    public void Apply_SameTagsDifferentSpelling_ReturnsNoChange()
    {
        var c = OpenConversation(tags: ["vip", "refund"]);

        var changes = c.Apply(new ConversationPatch(Tags: new[] { "VIP", " refund " }), Now).Value;

        Assert.Empty(changes);
        Assert.Equal(1, c.Version);
    }

    [Fact]
    public void Apply_NullTags_ReturnsInvalid()
    {
        var c = OpenConversation(tags: ["vip"]);

        var result = c.Apply(new ConversationPatch(Tags: new Optional<IReadOnlyList<string>>(true, null!)), Now);

        var invalid = Assert.IsType<Invalid>(result.Error);
        Assert.Equal(["must be a list (use [] to remove all tags)."], invalid.Fields["tags"]);
        Assert.Equal(["vip"], c.Tags);
    }

    [Fact]
    public void Apply_EmptyTag_ReturnsInvalidForThatIndex()
    {
        var c = OpenConversation();

        var result = c.Apply(new ConversationPatch(Tags: new[] { "vip", "" }), Now);

        var invalid = Assert.IsType<Invalid>(result.Error);
        Assert.Equal(["must not be empty."], invalid.Fields["tags[1]"]);
    }

    [Theory]
    [InlineData(ConversationStatus.New, ConversationStatus.Open)]
    [InlineData(ConversationStatus.New, ConversationStatus.Pending)]
    [InlineData(ConversationStatus.Open, ConversationStatus.OnHold)]
    [InlineData(ConversationStatus.Pending, ConversationStatus.Open)]
    [InlineData(ConversationStatus.OnHold, ConversationStatus.Pending)]
    [InlineData(ConversationStatus.Resolved, ConversationStatus.Open)]
    public void Apply_AllowedStatus_RecordsWireNames(ConversationStatus from, ConversationStatus to)
    {
        var c = ConversationIn(from);

        var changes = c.Apply(new ConversationPatch(Status: to), Now).Value;

        Assert.Equal([new FieldChange("status", from.Wire(), to.Wire())], changes);
        Assert.Equal(to, c.Status);
        Assert.Null(c.ResolvedAt);
        Assert.Null(c.ClosedAt);
    }

    [Fact]
    public void Apply_NewToClosed_ReturnsInvalidStatusListingAllowedStatuses()
    {
        var c = OpenConversation();

        var result = c.Apply(new ConversationPatch(Status: ConversationStatus.Closed), Now);

        var invalid = Assert.IsType<Invalid>(result.Error);
        Assert.Equal(["cannot change from new to closed; allowed: open, pending, on_hold, resolved."], invalid.Fields["status"]);
        Assert.Equal(ConversationStatus.New, c.Status);
        Assert.Equal(1, c.Version);
    }

    [Theory]
    [InlineData(ConversationStatus.Open, ConversationStatus.New, "cannot change from open to new; allowed: pending, on_hold, resolved.")]
    [InlineData(ConversationStatus.Resolved, ConversationStatus.Pending, "cannot change from resolved to pending; allowed: open, closed.")]
    [InlineData(ConversationStatus.Pending, ConversationStatus.Closed, "cannot change from pending to closed; allowed: open, on_hold, resolved.")]
    public void Apply_IllegalTransition_ReturnsInvalidStatus(ConversationStatus from, ConversationStatus to, string message)
    {
        var c = ConversationIn(from);
        var version = c.Version;

        var result = c.Apply(new ConversationPatch(Status: to, Priority: Priority.High), Now);

        var invalid = Assert.IsType<Invalid>(result.Error);
        Assert.Equal([message], invalid.Fields["status"]);
        Assert.Equal(from, c.Status);
        Assert.Equal(Priority.Normal, c.Priority);
        Assert.Equal(version, c.Version);
    }

    [Fact]
    public void Apply_ClosedToOpen_ReturnsConflictClosedIsFinal()
    {
        var c = ConversationIn(ConversationStatus.Closed);

        var result = c.Apply(new ConversationPatch(Status: ConversationStatus.Open), Now);

        var conflict = Assert.IsType<Conflict>(result.Error);
        Assert.Contains("is closed and can no longer be changed", conflict.Message);
    }

    [Fact]
    public void Apply_ClosedPriorityOrTags_ReturnsConflictAndChangesNothing()
    {
        var c = ConversationIn(ConversationStatus.Closed);
        var version = c.Version;

        Assert.IsType<Conflict>(c.Apply(new ConversationPatch(Priority: Priority.Urgent), Now).Error);
        Assert.IsType<Conflict>(c.Apply(new ConversationPatch(Tags: new[] { "late" }), Now).Error);

        Assert.Equal(Priority.Normal, c.Priority);
        Assert.Equal(version, c.Version);
    }

    [Fact]
    public void Apply_SameStatus_IsNoChangeNotAnError()
    {
        var c = ConversationIn(ConversationStatus.Closed);
        var version = c.Version;

        var changes = c.Apply(new ConversationPatch(Status: ConversationStatus.Closed), Now).Value;

        Assert.Empty(changes);
        Assert.Equal(version, c.Version);
    }

    [Fact]
    public void Apply_Resolve_SetsResolvedAt()
    {
        var c = ConversationIn(ConversationStatus.Open);

        c.Apply(new ConversationPatch(Status: ConversationStatus.Resolved), Now);

        Assert.Equal(ConversationStatus.Resolved, c.Status);
        Assert.Equal(Now, c.ResolvedAt);
        Assert.Null(c.ClosedAt);
    }

    [Fact]
    public void Apply_ReopenResolved_ClearsResolvedAt()
    {
        var c = ConversationIn(ConversationStatus.Resolved);
        Assert.Equal(Earlier, c.ResolvedAt);

        c.Apply(new ConversationPatch(Status: ConversationStatus.Open), Now);

        Assert.Null(c.ResolvedAt);
        Assert.Null(c.ClosedAt);
    }

    [Fact]
    public void Apply_CloseResolved_KeepsResolvedAtAndSetsClosedAt()
    {
        var c = ConversationIn(ConversationStatus.Resolved);

        var changes = c.Apply(new ConversationPatch(Status: ConversationStatus.Closed), Now).Value;

        Assert.Equal([new FieldChange("status", "resolved", "closed")], changes);
        Assert.Equal(ConversationStatus.Closed, c.Status);
        Assert.Equal(Earlier, c.ResolvedAt);
        Assert.Equal(Now, c.ClosedAt);
    }

    [Fact]
    public void Apply_SomethingChanged_BumpsVersionAndUpdatedAt()
    {
        var c = OpenConversation();

        c.Apply(new ConversationPatch(Priority: Priority.High), Now);

        Assert.Equal(2, c.Version);
        Assert.Equal(Now, c.UpdatedAt);
        Assert.Equal(Earlier, c.CreatedAt);
    }

    [Fact]
    public void Apply_SeveralFields_OneChangeEachAndOneVersionBump()
    {
        var c = OpenConversation();

        var changes = c.Apply(new ConversationPatch(Subject: "Parcel lost", Status: ConversationStatus.Open, Priority: Priority.High, Tags: new[] { "shipping" }, AssigneeId: AgentId), Now).Value;

        Assert.Equal(["subject", "status", "priority", "tags", "assigneeId"], changes.Select(ch => ch.Field));
        Assert.Equal(2, c.Version);
    }

    [Fact]
    public void Apply_PatchEqualToCurrentValues_ReturnsNoChangesAndKeepsVersion()
    {
        var c = Conversation.Open(ConversationId(10001), 10001, Channel.Chat, "Hi", CustomerId, Priority.Normal, CategoryId, ["vip"], AgentId, null, Earlier).Value;
        var patch = new ConversationPatch(" Hi ", ConversationStatus.New, Priority.Normal, CategoryId, new[] { "VIP" }, AgentId, new Optional<Guid?>(true, null));

        var changes = c.Apply(patch, Now).Value;

        Assert.Empty(changes);
        Assert.Equal(1, c.Version);
        Assert.Equal(Earlier, c.UpdatedAt);
    }

    [Fact]
    public void Apply_EmptyPatch_ReturnsNoChanges()
    {
        var c = OpenConversation();

        var changes = c.Apply(new ConversationPatch(), Now).Value;

        Assert.Empty(changes);
        Assert.Equal(1, c.Version);
    }

    [Fact]
    public void Apply_MergedConversation_ReturnsConflict()
    {
        var source = OpenConversation(10001);
        source.MergeInto(OpenConversation(10002), Earlier);

        var result = source.Apply(new ConversationPatch(Priority: Priority.High), Now);

        var conflict = Assert.IsType<Conflict>(result.Error);
        Assert.Equal("Conversation #10001 was merged and can no longer be changed.", conflict.Message);
        Assert.Equal(Priority.Normal, source.Priority);
    }

    [Fact]
    public void Apply_ReopenMergedConversation_ReturnsConflictNotInvalidStatus()
    {
        // A merged conversation is closed, so the status check alone would answer "cannot change from closed to
        // open; allowed: ." and hide the real reason. The merge is the reason and must win.
        var source = OpenConversation(10001);
        source.MergeInto(OpenConversation(10002), Earlier);

        var result = source.Apply(new ConversationPatch(Status: ConversationStatus.Open), Now);

        Assert.IsType<Conflict>(result.Error);
    }
}
