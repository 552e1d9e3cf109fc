using Kefu.Core.Channels.Chat;
using Kefu.Core.Routing;
using Kefu.Core.Tests.Calendars;
using Kefu.Core.Tickets;

namespace Kefu.Core.Tests.Routing;

public sealed class RouterTests
{
    private static readonly DateTimeOffset Now = Cal.At("2026-11-23 10:00");

    private static readonly Dictionary<string, Guid> Teams = new()
    {
        ["Sales"] = Guid.Parse("00000000-0000-0000-0000-00000000005a"),
        ["Tech"] = Guid.Parse("00000000-0000-0000-0000-00000000007e"),
        ["Vip"] = Guid.Parse("00000000-0000-0000-0000-0000000000f1"),
        ["Overflow"] = Guid.Parse("00000000-0000-0000-0000-0000000000cf"),
    };

    private static readonly Dictionary<string, Guid> Categories = new()
    {
        ["billing"] = Guid.Parse("00000000-0000-0000-0000-0000000ca001"),
        ["refund"] = Guid.Parse("00000000-0000-0000-0000-0000000ca002"),
        ["tech"] = Guid.Parse("00000000-0000-0000-0000-0000000ca003"),
    };

    private static RoutingAgent Agent(int n, string team, string[] languages, int? capacity, int load, string? lastAssigned = null, string[]? skills = null, bool available = true, string? secondTeam = null) =>
        new(Guid.Parse($"00000000-0000-0000-0000-{n:D12}"), available, secondTeam is null ? [Teams[team]] : [Teams[team], Teams[secondTeam]],
            skills ?? [], languages, capacity, load, lastAssigned is null ? null : Cal.At(lastAssigned));

    /// <summary>Sales: Li (zh, refunds, 2/5), Ann (en, 1/5), Bo (zh, full 2/2). Tech: Tom (en+ja, 0/3). VIP: Vera. Overflow: Olga. Ken is offline.</summary>
    private static readonly Dictionary<string, RoutingAgent> Agents = new()
    {
        ["Li"] = Agent(1, "Sales", ["zh-CN"], 5, 2, "2026-11-23 09:00", ["refunds"]),
        ["Ann"] = Agent(2, "Sales", ["en"], 5, 1, "2026-11-23 09:05"),
        ["Bo"] = Agent(3, "Sales", ["zh"], 2, 2),
        ["Tom"] = Agent(4, "Tech", ["en", "ja"], 3, 0),
        ["Vera"] = Agent(5, "Vip", ["zh"], 3, 1),
        ["Olga"] = Agent(6, "Overflow", ["en"], 3, 0),
        ["Ken"] = Agent(7, "Sales", ["zh", "en"], 10, 0, available: false, secondTeam: "Tech"),
    };

    private static readonly RoutingSettings Settings = new(
        new Dictionary<Guid, Guid> { [Categories["billing"]] = Teams["Sales"], [Categories["refund"]] = Teams["Sales"], [Categories["tech"]] = Teams["Tech"] },
        new Dictionary<Guid, string> { [Categories["refund"]] = "refunds" },
        VipTeamId: Teams["Vip"],
        Teams: [new TeamRouting(Teams["Sales"], RoutingStrategy.LeastLoaded, Teams["Overflow"], TimeSpan.FromMinutes(3)), new TeamRouting(Teams["Tech"], RoutingStrategy.RoundRobin)]);

    public static readonly TheoryData<string, string?, string?, bool, string?, string?, string[], int, string> Table = new()
    {
        // case, category, language, vip, conversation team, previous agent, excluded, waited minutes → "team agent reason"
        { "least loaded within the category's team; Bo is full", "billing", null, false, null, null, [], 0, "Sales Ann CategoryTeam" },
        { "language match narrows the team", "billing", "zh-CN", false, null, null, [], 0, "Sales Li CategoryTeam" },
        { "language by primary subtag", "billing", "zh-TW", false, null, null, [], 0, "Sales Li CategoryTeam" },
        { "nobody speaks it: anyone in the team", "billing", "fr", false, null, null, [], 0, "Sales Ann CategoryTeam" },
        { "skill beats language", "refund", "en", false, null, null, [], 0, "Sales Li CategoryTeam" },
        { "skills match: category to team", "tech", null, false, null, null, [], 0, "Tech Tom CategoryTeam" },
        { "VIP to the designated group", "billing", null, true, null, null, [], 0, "Vip Vera VipTeam" },
        { "the conversation's own team comes first", "billing", null, true, "Tech", null, [], 0, "Tech Tom ConversationTeam" },
        { "returning customer back to their agent", "tech", null, false, null, "Ann", [], 0, "Tech Ann PreviousAgent" },
        { "previous agent full: normal routing", "billing", null, false, null, "Bo", [], 0, "Sales Ann CategoryTeam" },
        { "previous agent offline: normal routing", "billing", null, false, null, "Ken", [], 0, "Sales Ann CategoryTeam" },
        { "previous agent already timed out on it", "billing", null, false, null, "Ann", ["Ann"], 0, "Sales Li CategoryTeam" },
        { "re-offer to the next eligible agent", "billing", null, false, null, null, ["Ann"], 0, "Sales Li CategoryTeam" },
        { "nobody left: queued in the team", "billing", null, false, null, null, ["Ann", "Li"], 2, "Sales - CategoryTeam" },
        { "overflow after the configured wait", "billing", null, false, null, null, ["Ann", "Li"], 3, "Overflow Olga Overflow" },
        { "no team anywhere: all agents, least loaded", null, null, false, null, null, [], 0, "- Tom AllAgents" },
        { "no overflow for a team without one", "tech", null, false, null, null, ["Tom"], 60, "Tech - CategoryTeam" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Route_Table(string name, string? category, string? language, bool vip, string? team, string? previous, string[] excluded, int waited, string expected)
    {
        var request = new RoutingRequest(
            Channel.Chat, category is null ? null : Categories[category], language, vip, team is null ? null : Teams[team],
            previous is null ? null : Agents[previous].Id, Now.AddMinutes(-waited), excluded.Select(e => Agents[e].Id).ToHashSet());

        var decision = Router.Route(request, [.. Agents.Values], Settings, Now);

        Assert.True(expected == Describe(decision), $"{name}: expected {expected}, got {Describe(decision)}");
    }

    [Fact]
    public void Route_RoundRobin_TakesTurnsRegardlessOfLoad()
    {
        var team = Teams["Tech"];
        var agents = new List<RoutingAgent>
        {
            Agent(11, "Tech", ["en"], 10, 4, "2026-11-23 09:00"),
            Agent(12, "Tech", ["en"], 10, 0, "2026-11-23 09:10"),
            Agent(13, "Tech", ["en"], 10, 9, "2026-11-23 09:05"),
        };
        var order = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            var at = Now.AddMinutes(i);
            var decision = Router.Route(new RoutingRequest(Channel.Chat, null, null, false, team, null, at), agents, Settings, at);
            var index = agents.FindIndex(a => a.Id == decision.AgentId);
            order.Add(index + 11);
            agents[index] = agents[index] with { LastAssignedAt = at, Load = agents[index].Load + 1 };
        }

        Assert.Equal([11, 13, 12, 11], order);
    }

    [Fact]
    public void Route_LeastLoaded_NeverExceedsCapacity()
    {
        var agents = new List<RoutingAgent> { Agent(21, "Sales", ["en"], 2, 0), Agent(22, "Sales", ["en"], 1, 0) };
        var assigned = new List<Guid?>();
        for (var i = 0; i < 4; i++)
        {
            var decision = Router.Route(new RoutingRequest(Channel.Email, null, null, false, Teams["Sales"], null, Now), agents, RoutingSettings.Default, Now);
            assigned.Add(decision.AgentId);
            if (decision.AgentId is { } id)
            {
                var index = agents.FindIndex(a => a.Id == id);
                agents[index] = agents[index] with { Load = agents[index].Load + 1 };
            }
        }

        Assert.Equal([agents[0].Id, agents[1].Id, agents[0].Id, null], assigned);
    }

    [Fact]
    public void Route_NoCapacityLimit_IsAlwaysRoom()
    {
        var agent = Agent(31, "Sales", ["en"], null, 500);

        Assert.Equal(agent.Id, Router.Route(new RoutingRequest(Channel.Email, null, null, false, null, null, Now), [agent], RoutingSettings.Default, Now).AgentId);
    }

    [Fact]
    public void OverflowAt_TeamWithOverflow_IsWaitPlusDelay()
    {
        var request = new RoutingRequest(Channel.Chat, Categories["billing"], null, false, null, null, Now);

        Assert.Equal(Now.AddMinutes(3), Router.OverflowAt(request, Settings));
        Assert.Null(Router.OverflowAt(request with { CategoryId = Categories["tech"] }, Settings));
    }

    [Fact]
    public void ChatQueue_Order_VipFirstThenPriorityThenLongestWait()
    {
        QueueEntry Entry(long n, bool vip, Priority priority, int minutesAgo) => new(Guid.NewGuid(), vip, priority, Now.AddMinutes(-minutesAgo), n);

        var order = ChatQueue.Order([Entry(1, false, Priority.Normal, 10), Entry(2, true, Priority.Normal, 1), Entry(3, false, Priority.High, 2), Entry(4, false, Priority.Normal, 20), Entry(5, true, Priority.Low, 5)]);

        Assert.Equal([2L, 5, 3, 4, 1], order.Select(e => e.Number));
    }

    private static string Describe(RoutingDecision d)
    {
        var team = d.TeamId is { } t ? Teams.Single(x => x.Value == t).Key : "-";
        var agent = d.AgentId is { } a ? Agents.Values.Concat([]).FirstOrDefault(x => x.Id == a) is { } known ? Agents.Single(x => x.Value == known).Key : a.ToString() : "-";
        return $"{team} {agent} {d.Reason}";
    }
}
