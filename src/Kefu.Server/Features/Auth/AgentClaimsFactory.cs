using System.Security.Claims;
using Kefu.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Auth;

/// <summary>Puts the agent's display name and role into the sign-in cookie.</summary>
public sealed class AgentClaimsFactory(UserManager<KefuUser> users, IOptions<IdentityOptions> options, KefuDbContext db)
    : UserClaimsPrincipalFactory<KefuUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(KefuUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var agent = await db.Agents.FindAsync(user.Id) ?? throw new InvalidOperationException($"User {user.Id} has no agent record.");
        foreach (var claim in KefuClaims.For(agent).Where(c => c.Type is not (ClaimTypes.NameIdentifier or ClaimTypes.Email)))
        {
            identity.TryRemoveClaim(identity.FindFirst(claim.Type));
            identity.AddClaim(claim);
        }

        if (user.MustChangePassword)
        {
            identity.AddClaim(new Claim(KefuClaims.MustChangePassword, "true"));
        }

        return identity;
    }
}
