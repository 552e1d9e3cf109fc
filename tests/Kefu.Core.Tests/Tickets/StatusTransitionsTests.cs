using Kefu.Core.Tickets;
using static Kefu.Core.Tickets.ConversationStatus;

namespace Kefu.Core.Tests.Tickets;

public sealed class StatusTransitionsTests
{
    /// <summary>Every (from, to) pair, written out: a new status must be added here row by row.</summary>
    public static readonly TheoryData<ConversationStatus, ConversationStatus, bool> Table = new()
    {
        { New, New, false },
        { New, Open, true },
        { New, Pending, true },
        { New, OnHold, true },
        { New, Resolved, true },
        { New, Closed, false },

        { Open, New, false },
        { Open, Open, false },
        { Open, Pending, true },
        { Open, OnHold, true },
        { Open, Resolved, true },
        { Open, Closed, false },

        { Pending, New, false },
        { Pending, Open, true },
        { Pending, Pending, false },
        { Pending, OnHold, true },
        { Pending, Resolved, true },
        { Pending, Closed, false },

        { OnHold, New, false },
        { OnHold, Open, true },
        { OnHold, Pending, true },
        { OnHold, OnHold, false },
        { OnHold, Resolved, true },
        { OnHold, Closed, false },

        { Resolved, New, false },
        { Resolved, Open, true },
        { Resolved, Pending, false },
        { Resolved, OnHold, false },
        { Resolved, Resolved, false },
        { Resolved, Closed, true },

        { Closed, New, false },
        { Closed, Open, false },
        { Closed, Pending, false },
        { Closed, OnHold, false },
        { Closed, Resolved, false },
        { Closed, Closed, false },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void IsAllowed_EveryPair_MatchesTable(ConversationStatus from, ConversationStatus to, bool allowed)
    {
        Assert.Equal(allowed, StatusTransitions.IsAllowed(from, to));
    }

    [Fact]
    public void IsAllowed_Table_CoversEveryPairOnce()
    {
        var statuses = Enum.GetValues<ConversationStatus>();
        var pairs = Table.Select(row => ((ConversationStatus)row[0], (ConversationStatus)row[1])).ToList();

        Assert.Equal(statuses.Length * statuses.Length, pairs.Count);
        Assert.Equal(pairs.Count, pairs.Distinct().Count());
    }

    [Fact]
    public void From_EachStatus_ListsAllowedTargetsInEnumOrder()
    {
        Assert.Equal([Open, Pending, OnHold, Resolved], StatusTransitions.From(New));
        Assert.Equal([Pending, OnHold, Resolved], StatusTransitions.From(Open));
        Assert.Equal([Open, OnHold, Resolved], StatusTransitions.From(Pending));
        Assert.Equal([Open, Pending, Resolved], StatusTransitions.From(OnHold));
        Assert.Equal([Open, Closed], StatusTransitions.From(Resolved));
        Assert.Empty(StatusTransitions.From(Closed));
    }

    [Theory]
    [InlineData(New, New)]
    [InlineData(Open, Open)]
    [InlineData(Pending, Open)]
    [InlineData(OnHold, Open)]
    [InlineData(Resolved, Open)]
    [InlineData(Closed, Closed)]
    public void AfterCustomerMessage_EachStatus_ReturnsNext(ConversationStatus status, ConversationStatus expected)
    {
        Assert.Equal(expected, StatusTransitions.AfterCustomerMessage(status));
    }

    [Theory]
    [InlineData(New, Open)]
    [InlineData(Open, Open)]
    [InlineData(Pending, Pending)]
    [InlineData(OnHold, OnHold)]
    [InlineData(Resolved, Resolved)]
    [InlineData(Closed, Closed)]
    public void AfterAgentReply_EachStatus_ReturnsNext(ConversationStatus status, ConversationStatus expected)
    {
        Assert.Equal(expected, StatusTransitions.AfterAgentReply(status));
    }

    [Theory]
    [InlineData(New, "new")]
    [InlineData(Open, "open")]
    [InlineData(Pending, "pending")]
    [InlineData(OnHold, "on_hold")]
    [InlineData(Resolved, "resolved")]
    [InlineData(Closed, "closed")]
    public void Wire_EachStatus_ReturnsSnakeCaseName(ConversationStatus status, string wire)
    {
        Assert.Equal(wire, status.Wire());
    }
}
