using System.ComponentModel.DataAnnotations;
using Kefu.Data;

namespace Kefu.Server.Infrastructure;

/// <summary>Where Kefu keeps its data. Section "Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>sqlite (default, a file in DataDirectory) or postgres.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>The PostgreSQL connection string; ignored for SQLite unless set explicitly.</summary>
    public string? ConnectionString { get; set; }

    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>Apply pending migrations when the server starts (the `migrate` verb does it on demand).</summary>
    public bool MigrateOnStart { get; set; } = true;

    public string ResolveConnectionString() => Provider switch
    {
        DatabaseProvider.Sqlite => ConnectionString ?? DatabaseSetup.SqliteFile(Path.GetFullPath(DataDirectory)),
        DatabaseProvider.Postgres => ConnectionString ?? throw new InvalidOperationException(
            "Database:ConnectionString is required when Database:Provider is postgres (e.g. Host=127.0.0.1;Database=kefu;Username=kefu;Password=…)."),
        _ => throw new InvalidOperationException($"Unknown database provider {Provider}."),
    };
}

/// <summary>The first administrator, created on the first start when there is no agent yet. Section "Admin".</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    [Required, EmailAddress]
    public string Email { get; set; } = "admin@kefu.local";

    [Required, MaxLength(200)]
    public string Name { get; set; } = "Administrator";

    /// <summary>When empty, a one-time password is generated and printed to the console once.</summary>
    public string? Password { get; set; }
}
