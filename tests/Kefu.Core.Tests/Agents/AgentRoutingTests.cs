using Kefu.Core.Agents;
using Kefu.Core.Common;
using Kefu.Core.Tickets;

namespace Kefu.Core.Tests.Agents;

public sealed class AgentRoutingTests
{
    private static Agent NewAgent() =>
        Agent.Create(Guid.NewGuid(), "li@example.com", "Li", AgentRole.Agent, null, "zh-CN", Tickets.Given.Now).Value;

    [Fact]
    public void SetRouting_NormalizesSkillsAndLanguages_AndCapacityPerChannel()
    {
        var agent = NewAgent();

        var changes = agent.SetRouting([" Refunds", "billing", "refunds"], ["EN", "ja"], new Dictionary<Channel, int> { [Channel.Email] = 20 }).Value;

        Assert.Equal(["skills", "languages", "capacities"], changes.Select(c => c.Field));
        Assert.Equal(["billing", "refunds"], agent.Skills);
        Assert.Equal(["en", "ja"], agent.Languages);
        Assert.Equal(20, agent.CapacityFor(Channel.Email));
        Assert.Equal(agent.ChatCapacity, agent.CapacityFor(Channel.Chat));
        Assert.Null(agent.CapacityFor(Channel.Phone));
        Assert.Empty(agent.SetRouting(["billing", "refunds"], null, null).Value);
    }

    public static readonly TheoryData<string[]?, Dictionary<Channel, int>?, string> Invalid = new()
    {
        { [""], null, "skills[0]" },
        { null, new Dictionary<Channel, int> { [Channel.Chat] = 3 }, "capacities" },
        { null, new Dictionary<Channel, int> { [Channel.Email] = -1 }, "capacities.email" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void SetRouting_Invalid_NamesTheField(string[]? skills, Dictionary<Channel, int>? capacities, string field)
    {
        var error = Assert.IsType<Invalid>(NewAgent().SetRouting(skills, null, capacities).Error);

        Assert.Contains(field, error.Fields.Keys);
    }
}
