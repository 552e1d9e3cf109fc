using System.Security.Claims;
using Kefu.Core.Agents;
using Kefu.Core.Common;

namespace Kefu.Server.Features.Auth;

public static class KefuClaims
{
    public const string Role = "kefu:role";
    public const string Scope = "kefu:scope";
    public const string TokenName = "kefu:token";

    /// <summary>Present while a one-time password has not been replaced: nothing but the password page is allowed.</summary>
    public const string MustChangePassword = "kefu:must-change-password";

    public static Guid AgentId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : throw new InvalidOperationException("The caller is not an agent.");

    public static AgentRole AgentRole(this ClaimsPrincipal user) =>
        Enum.TryParse<AgentRole>(user.FindFirstValue(Role), ignoreCase: true, out var role) ? role : Core.Agents.AgentRole.Agent;

    public static bool IsToken(this ClaimsPrincipal user) => user.HasClaim(c => c.Type == TokenName);

    /// <summary>The acting person or integration, passed into every domain decision.</summary>
    public static Actor ToActor(this ClaimsPrincipal user) => user.IsToken()
        ? new Actor(ActorKind.Integration, user.AgentId(), $"{user.Identity?.Name} ({user.FindFirstValue(TokenName)})")
        : Actor.Agent(user.AgentId(), user.Identity?.Name ?? "agent");

    public static List<Claim> For(Agent agent) =>
    [
        new(ClaimTypes.NameIdentifier, agent.Id.ToString()),
        new(ClaimTypes.Name, agent.DisplayName),
        new(ClaimTypes.Email, agent.Email),
        new(Role, agent.Role.Wire()),
    ];
}

/// <summary>What an API token may do. A token never gets more than its agent's role allows.</summary>
public static class Scopes
{
    public const string ConversationsRead = "conversations:read";
    public const string ConversationsWrite = "conversations:write";
    public const string CustomersRead = "customers:read";
    public const string CustomersWrite = "customers:write";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [ConversationsRead, ConversationsWrite, CustomersRead, CustomersWrite, Admin];

    public static AgentRole MinimumRole(string scope) => scope == Admin ? Core.Agents.AgentRole.Admin : Core.Agents.AgentRole.Agent;
}
