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

/// <summary>An uploaded file, stored once per content (SHA-256) in the database so every node can serve it.</summary>
public sealed class StoredFile
{
    public string Sha256 { get; set; } = "";

    public string ContentType { get; set; } = "";

    public long Size { get; set; }

    public byte[] Content { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}
