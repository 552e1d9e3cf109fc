using Kefu.Core.Agents;
using Kefu.Core.Authority;
using Kefu.Core.Common;
using Kefu.Core.Tests.Calendars;

namespace Kefu.Core.Tests.Authority;

public sealed class CompensationTests
{
    private static readonly DateTimeOffset Now = Cal.At("2026-11-20 10:00");
    private static readonly Actor Agent = Actor.Agent(Guid.Parse("00000000-0000-0000-0000-000000000001"), "李娜");
    private static readonly Actor Supervisor = Actor.Agent(Guid.Parse("00000000-0000-0000-0000-000000000002"), "王经理");
    private static readonly Actor Admin = Actor.Agent(Guid.Parse("00000000-0000-0000-0000-000000000003"), "管理员");

    /// <summary>Agent 100.00, supervisor 1000.00, admin unlimited.</summary>
    private static AuthorityLimits Limits()
    {
        var limits = AuthorityLimits.Default(Now);
        limits.Set("CNY", 100_00, 1_000_00, null, Now);
        return limits;
    }

    public static readonly TheoryData<AgentRole, long, ApprovalStatus> Requests = new()
    {
        { AgentRole.Agent, 50_00, ApprovalStatus.Approved },
        { AgentRole.Agent, 100_00, ApprovalStatus.Approved },
        { AgentRole.Agent, 100_01, ApprovalStatus.Pending },
        { AgentRole.Supervisor, 1_000_00, ApprovalStatus.Approved },
        { AgentRole.Supervisor, 1_000_01, ApprovalStatus.Pending },
        { AgentRole.Admin, 999_999_00, ApprovalStatus.Approved },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Create_WithinOrAboveLimit_Table(AgentRole role, long amount, ApprovalStatus expected)
    {
        var request = CompensationRequest.Create(Guid.NewGuid(), Guid.NewGuid(), CompensationKind.Refund, amount, "破损", Agent, role, Limits(), Now).Value;

        Assert.Equal(expected, request.Status);
        Assert.Equal(expected == ApprovalStatus.Approved ? Agent.Id : null, request.DecidedById);
    }

    public static readonly TheoryData<string, AgentRole, long, bool, Type?> Decisions = new()
    {
        { "supervisor within their limit", AgentRole.Supervisor, 500_00, true, null },
        { "supervisor above their limit", AgentRole.Supervisor, 5_000_00, true, typeof(Forbidden) },
        { "supervisor may still reject above it", AgentRole.Supervisor, 5_000_00, false, null },
        { "admin without a limit", AgentRole.Admin, 5_000_00, true, null },
        { "an agent never decides", AgentRole.Agent, 500_00, true, typeof(Forbidden) },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void Decide_Table(string name, AgentRole role, long amount, bool approve, Type? error)
    {
        var request = CompensationRequest.Create(Guid.NewGuid(), Guid.NewGuid(), CompensationKind.Compensation, amount, "延误", Agent, AgentRole.Agent, Limits(), Now).Value;
        var decider = role == AgentRole.Admin ? Admin : Supervisor;

        var result = request.Decide(approve, decider, role, Limits(), "ok", Now);

        Assert.True(error == result.Error?.GetType(), name);
        Assert.Equal(error is null ? (approve ? ApprovalStatus.Approved : ApprovalStatus.Rejected) : ApprovalStatus.Pending, request.Status);
    }

    [Fact]
    public void Decide_OwnRequestOrTwice_Refused()
    {
        var own = CompensationRequest.Create(Guid.NewGuid(), Guid.NewGuid(), CompensationKind.Refund, 5_000_00, "x", Supervisor, AgentRole.Supervisor, Limits(), Now).Value;
        Assert.IsType<Forbidden>(own.Decide(true, Supervisor, AgentRole.Supervisor, Limits(), null, Now).Error);

        var request = CompensationRequest.Create(Guid.NewGuid(), Guid.NewGuid(), CompensationKind.Refund, 500_00, "x", Agent, AgentRole.Agent, Limits(), Now).Value;
        Assert.True(request.Decide(false, Supervisor, AgentRole.Supervisor, Limits(), null, Now).IsOk);
        Assert.IsType<Conflict>(request.Decide(true, Admin, AgentRole.Admin, Limits(), null, Now).Error);
    }

    [Theory]
    [InlineData(null, 1L, "kind")]
    [InlineData(CompensationKind.Refund, 0L, "amount")]
    [InlineData(CompensationKind.Refund, -100L, "amount")]
    [InlineData((CompensationKind)7, 100L, "kind")]
    public void Create_Invalid_NamesTheField(CompensationKind? kind, long amount, string field)
    {
        var result = CompensationRequest.Create(Guid.NewGuid(), Guid.NewGuid(), kind, amount, "原因", Agent, AgentRole.Agent, Limits(), Now);

        Assert.Contains(field, ((Invalid)result.Error!).Fields.Keys);
    }

    [Theory]
    [InlineData("yuan", null, "currency")]
    [InlineData("CNY", -1L, "agentLimit")]
    public void Limits_Invalid_Table(string currency, long? agentLimit, string field)
    {
        var result = AuthorityLimits.Default(Now).Set(currency, agentLimit, null, null, Now);

        Assert.Contains(field, ((Invalid)result.Error!).Fields.Keys);
    }
}
