using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Kefu.Data;

/// <summary>
/// WAL lets readers work while one writer commits; synchronous=NORMAL in WAL mode is durable against
/// process crashes (fsync at checkpoints); busy_timeout makes concurrent writers wait instead of failing.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }
}
