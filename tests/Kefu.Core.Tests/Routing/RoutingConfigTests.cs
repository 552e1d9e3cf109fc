using Kefu.Core.Common;
using Kefu.Core.Routing;
using Kefu.Core.Tests.Calendars;
using Kefu.Core.Tickets;

namespace Kefu.Core.Tests.Routing;

public sealed class RoutingConfigTests
{
    private static readonly DateTimeOffset Now = Cal.At("2026-11-23 10:00");
    private static readonly Guid Team = Guid.Parse("00000000-0000-0000-0000-0000000000a1");
    private static readonly Guid Other = Guid.Parse("00000000-0000-0000-0000-0000000000a2");
    private static readonly Guid Billing = Guid.Parse("00000000-0000-0000-0000-0000000ca001");

    private static RoutingAgent Agent(int n, string[] languages, string[] skills, int load) =>
        new(Guid.Parse($"00000000-0000-0000-0000-{n:D12}"), true, [Team], skills, languages, 5, load, null);

    [Fact]
    public void Default_ChatHasTwoMinuteTimeout_AutoAssignOff()
    {
        var config = RoutingConfig.Default(Now);

        Assert.False(config.AutoAssign);
        Assert.Equal(TimeSpan.FromMinutes(2), config.Reoffer().For(Channel.Chat));
        Assert.Null(config.Reoffer().For(Channel.Email));
    }

    public static readonly TheoryData<int, string?> Timeouts = new()
    {
        { 0, "firstResponseMinutes.chat" },
        { 1, null },
        { 1440, null },
        { 1441, "firstResponseMinutes.chat" },
    };

    [Theory]
    [MemberData(nameof(Timeouts))]
    public void Update_Timeouts_Table(int minutes, string? error)
    {
        var config = RoutingConfig.Default(Now);

        var result = config.Update(new RoutingConfigDraft(FirstResponseMinutes: new Dictionary<Channel, int> { [Channel.Chat] = minutes }), Now);

        Assert.Equal(error, (result.Error as Invalid)?.Fields.Keys.Single());
        Assert.Equal(error is null ? minutes : 2, config.FirstResponseMinutes[Channel.Chat]);
    }

    [Fact]
    public void Update_Changes_AreRecordedAndVersioned()
    {
        var config = RoutingConfig.Default(Now);

        var changes = config.Update(new RoutingConfigDraft(AutoAssign: true, VipTeamId: Team, CategorySkills: new Dictionary<Guid, string> { [Billing] = " Refunds " }), Now).Value;

        Assert.Equal(["autoAssign", "vipTeamId", "categorySkills"], changes.Select(c => c.Field));
        Assert.Equal("refunds", config.CategorySkills[Billing]);
        Assert.Equal(1, config.Version);
        Assert.Empty(config.Update(new RoutingConfigDraft(AutoAssign: true), Now).Value);
    }

    public static readonly TheoryData<string, Guid?, int?, string[]> TeamRules = new()
    {
        { "overflow to itself", Team, 3, ["overflowTeamId"] },
        { "overflow without a wait", Other, null, ["overflowAfterMinutes"] },
        { "a wait without an overflow team", null, 3, ["overflowTeamId"] },
        { "negative wait", Other, -1, ["overflowAfterMinutes"] },
        { "valid", Other, 3, [] },
        { "no overflow", null, null, [] },
    };

    [Theory]
    [MemberData(nameof(TeamRules))]
    public void TeamRule_Validation_Table(string name, Guid? overflow, int? wait, string[] errors)
    {
        var result = TeamRoutingRule.Create(Team, null, RoutingStrategy.RoundRobin, null, null, overflow, wait, Now);

        Assert.True(errors.SequenceEqual((result.Error as Invalid)?.Fields.Keys.Order() ?? Enumerable.Empty<string>()), name);
    }

    [Fact]
    public void TeamRule_MatchingOff_StrategyAloneDecides()
    {
        var refund = Guid.Parse("00000000-0000-0000-0000-0000000ca002");
        var agents = new[] { Agent(1, ["zh"], ["refunds"], 3), Agent(2, ["en"], [], 0) };
        var request = new RoutingRequest(Channel.Chat, refund, "zh-CN", false, Team, null, Now);
        var matching = RoutingConfig.Default(Now);
        matching.Update(new RoutingConfigDraft(CategorySkills: new Dictionary<Guid, string> { [refund] = "refunds" }), Now);

        var withMatching = Router.Route(request, agents, matching.ToSettings([TeamRoutingRule.Create(Team, true, RoutingStrategy.LeastLoaded, true, true, null, null, Now).Value]), Now);
        var without = Router.Route(request, agents, matching.ToSettings([TeamRoutingRule.Create(Team, true, RoutingStrategy.LeastLoaded, false, false, null, null, Now).Value]), Now);

        Assert.Equal((agents[0].Id, true, true), (withMatching.AgentId!.Value, withMatching.SkillMatched, withMatching.LanguageMatched));
        Assert.Equal((agents[1].Id, false, false), (without.AgentId!.Value, without.SkillMatched, without.LanguageMatched));
    }

    [Fact]
    public void ConversationRouting_OfferThenQueue_KeepsHistoryAndFirstWait()
    {
        var state = ConversationRouting.Create(Guid.NewGuid(), Now);
        state.Queue(Team, Now, Now);
        state.Queue(Team, Now.AddMinutes(5), Now.AddMinutes(5));
        Assert.Equal(Now, state.QueuedSince);

        var first = new RoutingOffer(Guid.NewGuid(), Team, RoutingReason.ConversationTeam, Now.AddMinutes(6), Now.AddMinutes(8));
        var second = new RoutingOffer(Guid.NewGuid(), Team, RoutingReason.Transfer, Now.AddMinutes(7), null);
        state.Offer(first, Now.AddMinutes(6));
        state.Offer(second, Now.AddMinutes(7));

        Assert.Null(state.QueuedSince);
        Assert.Equal([OfferOutcome.Withdrawn, OfferOutcome.Pending], state.Offers.Select(o => o.Outcome));
        Assert.Equal((second.AgentId, second.OfferedAt), (state.LastAgentId!.Value, state.LastOfferedAt!.Value));
    }
}
