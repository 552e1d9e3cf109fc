using System.Security.Cryptography;
using Kefu.Core.Channels.Api;
using Kefu.Core.Common;
using Kefu.Core.Webhooks;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.ApiChannel;

/// <summary>An integration as admins see it. The secret is only in the answers to create and rotate-secret.</summary>
public sealed record IntegrationDto(
    Guid Id, string Name, string IdentitySource, string? CallbackUrl, Guid? TeamId, bool IsActive, DateTimeOffset CreatedAt,
    string InboundUrl, string SecretHint, DateTimeOffset? PreviousSecretValidUntil, string? Secret)
{
    public static IntegrationDto From(Integration i, string baseUrl, DateTimeOffset now, bool withSecret = false) => new(
        i.Id, i.Name, i.IdentitySource, i.CallbackUrl, i.TeamId, i.IsActive, i.CreatedAt, Inbound(baseUrl, i.Id),
        Hint(i.Secret.Current), i.Secret.PreviousUntil > now ? i.Secret.PreviousUntil : null, withSecret ? i.Secret.Current : null);

    public static string Inbound(string baseUrl, Guid id) => $"{baseUrl}/api/v1/channels/api/{id}/messages";

    /// <summary>Enough to tell secrets apart, not to use one.</summary>
    public static string Hint(string secret) => secret.Length > 12 ? secret[..10] + "…" : "…";
}

public sealed record CreateIntegrationRequest(string? Name, string? IdentitySource, string? CallbackUrl, Guid? TeamId);

/// <summary>PATCH body: omitted fields stay unchanged.</summary>
public sealed record UpdateIntegrationRequest
{
    public Optional<string> Name { get; init; }

    public Optional<string> IdentitySource { get; init; }

    public Optional<string?> CallbackUrl { get; init; }

    public Optional<Guid?> TeamId { get; init; }

    public Optional<bool> IsActive { get; init; }

    public IntegrationSettings Over(Integration i) => new(
        Name.HasValue ? Name.Value : i.Name, IdentitySource.HasValue ? IdentitySource.Value : i.IdentitySource,
        CallbackUrl.HasValue ? CallbackUrl.Value : i.CallbackUrl, TeamId.HasValue ? TeamId.Value : i.TeamId, IsActive.HasValue ? IsActive.Value : i.IsActive);
}

/// <summary>Rotation: by default the old secret keeps verifying (and is sent as a second signature) for 24 hours.</summary>
public sealed record RotateSecretRequest(bool? Immediately);

public static class IntegrationCommands
{
    public static string NewSecret() => StandardWebhook.NewSecret(RandomNumberGenerator.GetBytes(32));

    public static async Task<Result<Integration>> CreateAsync(KefuDbContext db, Actor actor, DateTimeOffset now, CreateIntegrationRequest r, CancellationToken ct)
    {
        var settings = new IntegrationSettings(r.Name, string.IsNullOrWhiteSpace(r.IdentitySource) ? Integration.SourceFrom(r.Name) : r.IdentitySource, r.CallbackUrl, r.TeamId);
        var errors = new FieldErrors();
        await References.CheckAsync(db, errors, null, null, r.TeamId, ct);
        var created = Integration.Create(Guid.CreateVersion7(now), settings, NewSecret(), now);
        if (errors.Include(created.Error).ToError() is { } invalid)
        {
            return invalid;
        }

        db.Integrations.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(actor, now, "integration", created.Value.Id, "created", new("name", null, created.Value.Name)));
        await db.SaveChangesAsync(ct);
        return created.Value;
    }

    public static async Task<Result<Integration>> UpdateAsync(
        KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, Func<Integration, IntegrationSettings> settings, CancellationToken ct)
    {
        var integration = await db.Integrations.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (integration is null)
        {
            return new NotFound("Integration", id.ToString());
        }

        var next = settings(integration);
        var errors = new FieldErrors();
        await References.CheckAsync(db, errors, null, null, next.TeamId, ct);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = integration.Apply(next);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "integration", id, changes.Value));
        await db.SaveChangesAsync(ct);
        return integration;
    }

    public static async Task<Result<Integration>> RotateSecretAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, bool immediately, CancellationToken ct)
    {
        var integration = await db.Integrations.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (integration is null)
        {
            return new NotFound("Integration", id.ToString());
        }

        integration.Secret.Rotate(NewSecret(), now, immediately);
        // The complex property is replaced in place: tell EF it changed.
        db.Entry(integration).ComplexProperty(i => i.Secret).IsModified = true;
        db.Activities.Add(ActivityEntry.Create(actor, now, "integration", id, immediately ? "secret_replaced" : "secret_rotated"));
        await db.SaveChangesAsync(ct);
        return integration;
    }
}
