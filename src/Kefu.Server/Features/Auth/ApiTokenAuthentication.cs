using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Kefu.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Auth;

/// <summary>Authenticates `Authorization: Bearer kefu_…` against the stored token hashes.</summary>
public sealed class ApiTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<KefuDbContext> dbs, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string Prefix = "kefu_";

    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', 'A').Replace('/', 'B').TrimEnd('=');

    /// <summary>The bearer secret from the header, or for hubs from access_token (browsers cannot set WebSocket headers).</summary>
    public static string? Secret(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Path.StartsWithSegments("/hubs/agent") && request.Query["access_token"].ToString() is { Length: > 0 } token ? token : null;
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = Secret(Request);
        if (secret is null)
        {
            return AuthenticateResult.NoResult();
        }

        var hash = Hash(secret);
        var now = clock.GetUtcNow();
        await using var db = await dbs.CreateDbContextAsync(Context.RequestAborted);
        var found = await (from t in db.ApiTokens
                           join a in db.Agents on t.AgentId equals a.Id
                           where t.Hash == hash
                           select new { Token = t, Agent = a }).AsNoTracking().FirstOrDefaultAsync(Context.RequestAborted);
        if (found is null || found.Token.RevokedAt is not null || found.Token.ExpiresAt <= now || !found.Agent.IsActive)
        {
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired.");
        }

        // Last use is informational: write it at most once a minute, not on every request.
        if (found.Token.LastUsedAt is null || now - found.Token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiTokens.Where(t => t.Id == found.Token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }

        var claims = KefuClaims.For(found.Agent);
        claims.Add(new Claim(KefuClaims.TokenName, found.Token.Name));
        claims.AddRange(found.Token.Scopes.Select(s => new Claim(KefuClaims.Scope, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
