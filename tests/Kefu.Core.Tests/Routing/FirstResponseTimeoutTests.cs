using Kefu.Core.Calendars;
using Kefu.Core.Routing;
using Kefu.Core.Tests.Calendars;
using Kefu.Core.Tickets;

namespace Kefu.Core.Tests.Routing;

public sealed class FirstResponseTimeoutTests
{
    private static readonly Guid Ann = Guid.Parse("00000000-0000-0000-0000-000000000002");
    private static readonly Guid Li = Guid.Parse("00000000-0000-0000-0000-000000000001");
    private static readonly Guid Sales = Guid.Parse("00000000-0000-0000-0000-00000000005a");

    public static readonly TheoryData<Channel, string, string> Expiry = new()
    {
        // channel, offered at (Shanghai office calendar), expires
        { Channel.Chat, "2026-11-23 10:00", "2026-11-23 10:02" },     // default chat timeout: 2 business minutes
        { Channel.Chat, "2026-11-20 17:59", "2026-11-23 09:01" },     // Friday 17:59: the clock stops over the weekend
        { Channel.Chat, "2026-11-23 11:59", "2026-11-23 13:31" },     // over lunch
        { Channel.Email, "2026-11-23 10:00", "never" },               // no timeout configured for e-mail
    };

    [Theory]
    [MemberData(nameof(Expiry))]
    public void Offer_ExpiresAfterBusinessMinutes(Channel channel, string offeredAt, string expires)
    {
        var offer = FirstResponseTimeout.Offer(new RoutingDecision(Sales, Ann, RoutingReason.CategoryTeam), channel, ReofferSettings.Default, Cal.Office, Cal.At(offeredAt));

        Assert.Equal(expires, Cal.Local(offer.ExpiresAt));
        Assert.Equal(OfferOutcome.Pending, offer.Outcome);
    }

    public static readonly TheoryData<string, string?, bool> Checks = new()
    {
        // now, first response at, re-offer?
        { "2026-11-23 10:01", null, false },
        { "2026-11-23 10:02", null, true },
        { "2026-11-23 10:30", null, true },
        { "2026-11-23 10:30", "2026-11-23 10:01", false },
    };

    [Theory]
    [MemberData(nameof(Checks))]
    public void Check_Table(string now, string? firstResponse, bool reoffer)
    {
        IReadOnlyList<RoutingOffer> offers = [FirstResponseTimeout.Offer(new RoutingDecision(Sales, Ann, RoutingReason.CategoryTeam), Channel.Chat, ReofferSettings.Default, Cal.Office, Cal.At("2026-11-23 10:00"))];

        var result = FirstResponseTimeout.Check(offers, firstResponse is null ? null : Cal.At(firstResponse), Cal.At(now));

        Assert.Equal(reoffer, result is not null);
    }

    [Fact]
    public void Timeout_ReoffersToTheNextAgent_AndKeepsTheHistory()
    {
        var hours = Cal.Office;
        var start = Cal.At("2026-11-23 10:00");
        RoutingAgent Agent(Guid id, int load) => new(id, true, [Sales], [], ["en"], 5, load, null);
        var agents = new[] { Agent(Ann, 0), Agent(Li, 1) };
        var request = new RoutingRequest(Channel.Chat, null, null, false, Sales, null, start);

        var first = Router.Route(request, agents, RoutingSettings.Default, start);
        IReadOnlyList<RoutingOffer> offers = [FirstResponseTimeout.Offer(first, Channel.Chat, ReofferSettings.Default, hours, start)];
        Assert.Equal(Cal.At("2026-11-23 10:02"), FirstResponseTimeout.DueAt(offers));

        var reoffer = FirstResponseTimeout.Check(offers, null, Cal.At("2026-11-23 10:02"))!;
        Assert.True(reoffer.NotifySupervisor);
        Assert.Equal(Ann, reoffer.TimedOutAgentId);
        var second = Router.Route(request with { Excluded = reoffer.Excluded }, agents, RoutingSettings.Default, Cal.At("2026-11-23 10:02"));
        offers = [.. reoffer.Offers, FirstResponseTimeout.Offer(second, Channel.Chat, ReofferSettings.Default, hours, Cal.At("2026-11-23 10:02"))];
        offers = FirstResponseTimeout.Answered(offers, Cal.At("2026-11-23 10:03"));

        Assert.Equal([(Ann, OfferOutcome.TimedOut), (Li, OfferOutcome.Answered)], offers.Select(o => (o.AgentId, o.Outcome)));
        Assert.Equal(Cal.At("2026-11-23 10:02"), offers[0].EndedAt);
        Assert.Null(FirstResponseTimeout.DueAt(offers));

        // Nobody left who has not had it: queued, not handed back to the agent who let it wait.
        var third = Router.Route(request with { Excluded = [Ann, Li] }, agents, RoutingSettings.Default, Cal.At("2026-11-23 10:05"));
        Assert.True(third.Queued);
    }
}
