using Kefu.Core.Agents;
using Microsoft.AspNetCore.Authorization;

namespace Kefu.Server.Features.Auth;

/// <summary>
/// Every endpoint names one of these. A policy needs a minimum role and, for API tokens, a scope;
/// interactive-only policies refuse tokens altogether (a token cannot mint tokens).
/// </summary>
public static class Policies
{
    public const string ConversationsRead = nameof(ConversationsRead);
    public const string ConversationsWrite = nameof(ConversationsWrite);
    public const string CustomersRead = nameof(CustomersRead);
    public const string CustomersWrite = nameof(CustomersWrite);
    public const string CustomersMerge = nameof(CustomersMerge);
    public const string DirectoryRead = nameof(DirectoryRead);
    public const string Admin = nameof(Admin);
    public const string Approve = nameof(Approve);
    public const string Interactive = nameof(Interactive);

    public static void Add(AuthorizationOptions options)
    {
        Add(options, ConversationsRead, new(AgentRole.Agent, Scopes.ConversationsRead));
        Add(options, ConversationsWrite, new(AgentRole.Agent, Scopes.ConversationsWrite));
        Add(options, CustomersRead, new(AgentRole.Agent, Scopes.CustomersRead));
        Add(options, CustomersWrite, new(AgentRole.Agent, Scopes.CustomersWrite));
        Add(options, CustomersMerge, new(AgentRole.Supervisor, Scopes.CustomersWrite));
        Add(options, DirectoryRead, new(AgentRole.Agent, Scope: null));
        Add(options, Admin, new(AgentRole.Admin, Scopes.Admin));
        Add(options, Approve, new(AgentRole.Supervisor, Scopes.ConversationsWrite));
        Add(options, Interactive, new(AgentRole.Agent, Scope: null, InteractiveOnly: true));
        options.FallbackPolicy = options.GetPolicy(DirectoryRead);
    }

    private static void Add(AuthorizationOptions options, string name, KefuRequirement requirement) =>
        options.AddPolicy(name, p => p.RequireAuthenticatedUser().AddRequirements(requirement));
}

public sealed record KefuRequirement(AgentRole MinRole, string? Scope, bool InteractiveOnly = false) : IAuthorizationRequirement;

public sealed class KefuRequirementHandler : AuthorizationHandler<KefuRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, KefuRequirement requirement)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true || !user.AgentRole().Includes(requirement.MinRole))
        {
            return Task.CompletedTask;
        }

        var allowed = !user.IsToken()
            || (!requirement.InteractiveOnly && (requirement.Scope is null || user.HasClaim(KefuClaims.Scope, requirement.Scope)));
        if (allowed)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
