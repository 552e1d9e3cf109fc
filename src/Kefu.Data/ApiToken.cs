namespace Kefu.Data;

/// <summary>
/// A bearer token for integrations. Only a SHA-256 hash is stored; the secret is shown once at creation.
/// A token acts as its owning agent, limited further by its scopes.
/// </summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }

    public Guid AgentId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>The first characters of the token, shown in lists so people can tell tokens apart.</summary>
    public string Prefix { get; set; } = "";

    public string Hash { get; set; } = "";

    public List<string> Scopes { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>A named counter bumped inside the writing transaction (conversation numbers): never max + 1.</summary>
public sealed class Counter
{
    public string Name { get; set; } = "";

    public long Value { get; set; }
}
