using System.Security.Claims;
using Kefu.Core.Agents;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Auth;

public sealed record ApiTokenDto(Guid Id, Guid AgentId, string Name, string Prefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static ApiTokenDto From(ApiToken t) => new(t.Id, t.AgentId, t.Name, t.Prefix, t.Scopes, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt);
}

/// <summary>The secret appears here once; only its hash is stored.</summary>
public sealed record CreatedApiToken(ApiTokenDto Token, string Secret);

public sealed record CreateApiTokenRequest(string? Name, IReadOnlyList<string>? Scopes, DateTimeOffset? ExpiresAt);

/// <summary>Agents manage their own tokens from a signed-in session (a token cannot mint tokens); admins see all.</summary>
public static class ApiTokenEndpoints
{
    public static void MapApiTokenEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/tokens").WithTags("API tokens").RequireAuthorization(Policies.Interactive);
        group.MapGet("", List).WithSummary("Your API tokens (admins: everyone's). Secrets are never shown again.");
        group.MapPost("", Create).WithSummary("Create an API token with scopes; the secret is in the response, once.");
        group.MapDelete("/{id:guid}", Revoke).WithSummary("Revoke a token; it stops working at once.");
    }

    private static async Task<Ok<List<ApiTokenDto>>> List(KefuDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var me = user.AgentId();
        var admin = user.AgentRole() == AgentRole.Admin;
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => admin || t.AgentId == me).OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(tokens.Select(ApiTokenDto.From).ToList());
    }

    private static async Task<Results<Created<CreatedApiToken>, ProblemHttpResult>> Create(
        CreateApiTokenRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var errors = new FieldErrors().Required("name", request.Name, Limits.Name);
        var scopes = request.Scopes?.Distinct().ToList() ?? [];
        if (scopes.Count == 0)
        {
            errors.Add("scopes", $"name at least one of: {string.Join(", ", Scopes.All)}.");
        }

        foreach (var scope in scopes)
        {
            if (!Scopes.All.Contains(scope))
            {
                errors.Add("scopes", $"'{scope}' is not a scope; use {string.Join(", ", Scopes.All)}.");
            }
            else if (!user.AgentRole().Includes(Scopes.MinimumRole(scope)))
            {
                errors.Add("scopes", $"your role cannot grant '{scope}'.");
            }
        }

        if (request.ExpiresAt is { } expires && expires <= now)
        {
            errors.Add("expiresAt", "must be in the future.");
        }

        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        var secret = ApiTokenAuthentication.NewSecret();
        var token = new ApiToken
        {
            Id = Guid.CreateVersion7(now),
            AgentId = user.AgentId(),
            Name = request.Name!.Trim(),
            Prefix = secret[..12],
            Hash = ApiTokenAuthentication.Hash(secret),
            Scopes = scopes,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt?.ToUniversalTime(),
        };
        db.ApiTokens.Add(token);
        db.Activities.Add(ActivityEntry.Create(user.ToActor(), now, "token", token.Id, "created", new("scopes", null, string.Join(",", scopes))));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/tokens/{token.Id}", new CreatedApiToken(ApiTokenDto.From(token), secret));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (token is null || (token.AgentId != user.AgentId() && user.AgentRole() != AgentRole.Admin))
        {
            return Problems.From(new NotFound("API token", id.ToString()));
        }

        var now = clock.GetUtcNow();
        token.RevokedAt ??= now;
        db.Activities.Add(ActivityEntry.Create(user.ToActor(), now, "token", token.Id, "revoked"));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
