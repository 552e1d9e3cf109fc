using Kefu.Core.Agents;
using Kefu.Core.Workspace;

namespace Kefu.Core.Tests.Workspace;

public sealed class CannedAccessTests
{
    private static readonly Guid Me = Guid.Parse("0195a3c0-0000-7000-8000-00000000a001");
    private static readonly Guid Other = Guid.Parse("0195a3c0-0000-7000-8000-00000000a002");
    private static readonly Guid MyTeam = Guid.Parse("0195a3c0-0000-7000-8000-00000000f001");
    private static readonly Guid OtherTeam = Guid.Parse("0195a3c0-0000-7000-8000-00000000f002");
    private static readonly Guid[] MyTeams = [MyTeam];

    public static TheoryData<string, AgentRole, bool, bool> Cases => new()
    {
        // scope, role, can use, can manage
        { "mine", AgentRole.Agent, true, true },
        { "mine", AgentRole.Admin, true, true },
        { "others", AgentRole.Agent, false, false },
        { "others", AgentRole.Admin, false, false },
        { "my-team", AgentRole.Agent, true, false },
        { "my-team", AgentRole.Supervisor, true, true },
        { "my-team", AgentRole.Admin, true, true },
        { "other-team", AgentRole.Agent, false, false },
        { "other-team", AgentRole.Supervisor, false, false },
        { "other-team", AgentRole.Admin, false, true },
        { "global", AgentRole.Agent, true, false },
        { "global", AgentRole.Supervisor, true, false },
        { "global", AgentRole.Admin, true, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CanUseAndManage_ByScopeAndRole(string scope, AgentRole role, bool canUse, bool canManage)
    {
        var (team, owner) = scope switch
        {
            "mine" => ((Guid?)null, (Guid?)Me),
            "others" => (null, Other),
            "my-team" => (MyTeam, null),
            "other-team" => (OtherTeam, null),
            _ => (null, null),
        };

        Assert.Equal(canUse, CannedAccess.CanUse(Me, MyTeams, team, owner));
        Assert.Equal(canManage, CannedAccess.CanManage(role, Me, MyTeams, team, owner));
        Assert.Equal(canUse || canManage, CannedAccess.CanSee(role, Me, MyTeams, team, owner));
    }

    [Theory]
    [InlineData(false, false, CannedScope.Global)]
    [InlineData(true, false, CannedScope.Team)]
    [InlineData(false, true, CannedScope.Personal)]
    public void ScopeOf_TeamAndOwner(bool hasTeam, bool hasOwner, CannedScope expected) =>
        Assert.Equal(expected, CannedAccess.ScopeOf(hasTeam ? MyTeam : null, hasOwner ? Me : null));
}
