using Kefu.Core.Agents;
using Kefu.Core.Common;

namespace Kefu.Core.Tests.Agents;

public sealed class AgentTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 16, 59, 0, TimeSpan.Zero);
    private static readonly Guid AgentId = Guid.Parse("0195a3c0-0000-7000-8000-00000000a001");
    private static readonly Guid Sales = Guid.Parse("0195a3c0-0000-7000-8000-00000000f001");
    private static readonly Guid Support = Guid.Parse("0195a3c0-0000-7000-8000-00000000f002");

    private static Agent NewAgent(AgentRole role = AgentRole.Agent, Guid[]? teamIds = null, string? language = null) =>
        Agent.Create(AgentId, "li.na@example.com", "Li Na", role, teamIds, language, Now).Value;

    [Fact]
    public void Create_ValidInput_NormalizesEmailAndTrimsName()
    {
        var a = Agent.Create(AgentId, "  Li.Na@Example.COM ", "  Li Na ", AgentRole.Supervisor, [Sales, Support, Sales], "zh-CN", Now).Value;

        Assert.Equal(AgentId, a.Id);
        Assert.Equal("li.na@example.com", a.Email);
        Assert.Equal("Li Na", a.DisplayName);
        Assert.Equal(AgentRole.Supervisor, a.Role);
        Assert.Equal([Sales, Support], a.TeamIds);
        Assert.Equal("zh-CN", a.Language);
        Assert.True(a.IsActive);
        Assert.Equal(Now, a.CreatedAt);
    }

    [Fact]
    public void Create_NoLanguageNoTeams_DefaultsToEnglishAndNoTeams()
    {
        var a = NewAgent();

        Assert.Equal("en", a.Language);
        Assert.Empty(a.TeamIds);
    }

    [Theory]
    [InlineData("en", true)]
    [InlineData("zh-CN", true)]
    [InlineData("zh-cn", false)]
    [InlineData("zh", false)]
    [InlineData("EN", false)]
    [InlineData("fr", false)]
    [InlineData("", false)]
    public void Create_Language_MustBeEnOrZhCN(string language, bool valid)
    {
        var result = Agent.Create(AgentId, "li.na@example.com", "Li Na", AgentRole.Agent, null, language, Now);

        Assert.Equal(valid, result.IsOk);
        if (!valid)
        {
            Assert.Equal(["must be \"en\" or \"zh-CN\"."], Assert.IsType<Invalid>(result.Error).Fields["language"]);
        }
    }

    [Theory]
    [InlineData(null, "Li Na", "email", "is required.")]
    [InlineData("li.na.example.com", "Li Na", "email", "must be an e-mail address.")]
    [InlineData("li.na@example.com", " ", "displayName", "is required.")]
    [InlineData("li.na@example.com", null, "displayName", "is required.")]
    public void Create_MissingOrBadField_ReturnsInvalid(string? email, string? displayName, string field, string message)
    {
        var invalid = Assert.IsType<Invalid>(Agent.Create(AgentId, email, displayName, AgentRole.Agent, null, null, Now).Error);

        Assert.Equal([field], invalid.Fields.Keys);
        Assert.Equal([message], invalid.Fields[field]);
    }

    [Fact]
    public void AsActor_Agent_IsAgentActorWithIdAndName()
    {
        Assert.Equal(new Actor(ActorKind.Agent, AgentId, "Li Na"), NewAgent().AsActor);
    }

    [Theory]
    [InlineData(AgentRole.Agent, AgentRole.Supervisor, "agent", "supervisor")]
    [InlineData(AgentRole.Supervisor, AgentRole.Admin, "supervisor", "admin")]
    [InlineData(AgentRole.Admin, AgentRole.Agent, "admin", "agent")]
    public void Update_Role_RecordsWireNames(AgentRole from, AgentRole to, string before, string after)
    {
        var a = NewAgent(from);

        var changes = a.Update(null, to, null, null, null).Value;

        Assert.Equal([new FieldChange("role", before, after)], changes);
        Assert.Equal(to, a.Role);
    }

    [Fact]
    public void Update_TeamIds_ReplacesDistinctList()
    {
        var a = NewAgent(teamIds: [Sales]);

        var changes = a.Update(null, null, [Support, Sales, Support], null, null).Value;

        Assert.Equal([new FieldChange("teamIds", $"{Sales}", $"{Support},{Sales}")], changes);
        Assert.Equal([Support, Sales], a.TeamIds);
    }

    [Fact]
    public void Update_SameTeamsInOtherOrder_IsNoChange()
    {
        var a = NewAgent(teamIds: [Sales, Support]);

        Assert.Empty(a.Update(null, null, [Support, Sales, Sales], null, null).Value);
        Assert.Equal([Sales, Support], a.TeamIds);
    }

    [Fact]
    public void Update_EmptyTeamList_LeavesAllTeams()
    {
        var a = NewAgent(teamIds: [Sales]);

        var changes = a.Update(null, null, [], null, null).Value;

        Assert.Equal([new FieldChange("teamIds", $"{Sales}", "")], changes);
        Assert.Empty(a.TeamIds);
    }

    [Fact]
    public void Update_NameLanguageAndActive_RecordsEach()
    {
        var a = NewAgent();

        var changes = a.Update(" Li Na (Shanghai) ", null, null, "zh-CN", false).Value;

        Assert.Equal(
            [
                new FieldChange("displayName", "Li Na", "Li Na (Shanghai)"),
                new FieldChange("language", "en", "zh-CN"),
                new FieldChange("isActive", "True", "False"),
            ],
            changes);
        Assert.Equal("Li Na (Shanghai)", a.DisplayName);
        Assert.Equal("zh-CN", a.Language);
        Assert.False(a.IsActive);
    }

    [Fact]
    public void Update_InvalidLanguage_ReturnsInvalidAndChangesNothing()
    {
        var a = NewAgent();

        var invalid = Assert.IsType<Invalid>(a.Update("Someone else", AgentRole.Admin, null, "de", null).Error);

        Assert.Equal(["language"], invalid.Fields.Keys);
        Assert.Equal("Li Na", a.DisplayName);
        Assert.Equal(AgentRole.Agent, a.Role);
        Assert.Equal("en", a.Language);
    }

    [Fact]
    public void Update_BlankDisplayName_ReturnsInvalid()
    {
        var invalid = Assert.IsType<Invalid>(NewAgent().Update("  ", null, null, null, null).Error);

        Assert.Equal(["is required."], invalid.Fields["displayName"]);
    }

    [Fact]
    public void Update_NothingOrSameValues_ReturnsNoChanges()
    {
        var a = NewAgent(AgentRole.Supervisor, [Sales], "en");

        Assert.Empty(a.Update(null, null, null, null, null).Value);
        Assert.Empty(a.Update("Li Na", AgentRole.Supervisor, [Sales], "en", true).Value);
    }

    [Fact]
    public void LeaveTeam_MemberOfTwo_KeepsTheOther()
    {
        var a = NewAgent(teamIds: [Sales, Support]);

        a.LeaveTeam(Sales);

        Assert.Equal([Support], a.TeamIds);
    }

    [Theory]
    [InlineData(AgentRole.Agent, AgentRole.Agent, true)]
    [InlineData(AgentRole.Agent, AgentRole.Supervisor, false)]
    [InlineData(AgentRole.Agent, AgentRole.Admin, false)]
    [InlineData(AgentRole.Supervisor, AgentRole.Agent, true)]
    [InlineData(AgentRole.Supervisor, AgentRole.Supervisor, true)]
    [InlineData(AgentRole.Supervisor, AgentRole.Admin, false)]
    [InlineData(AgentRole.Admin, AgentRole.Agent, true)]
    [InlineData(AgentRole.Admin, AgentRole.Supervisor, true)]
    [InlineData(AgentRole.Admin, AgentRole.Admin, true)]
    public void RolesIncludes_EveryPair_MatchesTable(AgentRole role, AgentRole required, bool included)
    {
        Assert.Equal(included, role.Includes(required));
    }

    [Theory]
    [InlineData(AgentRole.Agent, Roles.Agent)]
    [InlineData(AgentRole.Supervisor, Roles.Supervisor)]
    [InlineData(AgentRole.Admin, Roles.Admin)]
    public void RolesWire_EachRole_ReturnsLowerCaseName(AgentRole role, string wire)
    {
        Assert.Equal(wire, role.Wire());
        Assert.Equal(role.ToString().ToLowerInvariant(), wire);
    }
}
