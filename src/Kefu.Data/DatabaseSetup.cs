using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Configures the one DbContext for the chosen provider and its migrations assembly.</summary>
public static class DatabaseSetup
{
    public const string SqliteMigrations = "Kefu.Migrations.Sqlite";
    public const string PostgresMigrations = "Kefu.Migrations.Postgres";

    public static void Configure(DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                options.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrations))
                    .AddInterceptors(new SqlitePragmas());
                break;
            case DatabaseProvider.Postgres:
                options.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgresMigrations));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, null);
        }
    }

    /// <summary>A SQLite connection string for a database file in <paramref name="dataDirectory"/>.</summary>
    public static string SqliteFile(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "kefu.db"),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }
}
