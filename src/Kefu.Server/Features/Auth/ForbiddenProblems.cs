using Kefu.Core.Agents;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Kefu.Server.Features.Auth;

/// <summary>A 403 from the API says what was missing: the role, or for API tokens the scope.</summary>
public sealed class ForbiddenProblems(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var requirement = policy.Requirements.OfType<KefuRequirement>().FirstOrDefault();
        if (!authorizeResult.Forbidden || requirement is null || !AuthSetup.IsApi(context.Request))
        {
            await fallback.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var detail = context.User.IsToken() && requirement.InteractiveOnly
            ? "API tokens cannot do this; sign in to the workspace instead."
            : context.User.IsToken() && requirement.Scope is not null && context.User.AgentRole().Includes(requirement.MinRole)
                ? $"This API token lacks the scope '{requirement.Scope}'."
                : $"This needs the {requirement.MinRole.Wire()} role or higher.";
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = 403, Title = "Forbidden", Detail = detail },
        });
    }
}
