using System.Data.Common;
using System.Diagnostics;
using Kefu.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Kefu.Bench;

/// <summary>
/// The ceiling: what the same database, with the same durability settings, commits when nothing but a plain
/// ADO.NET insert stands in the way. One message-shaped row (id, conversation id, text, created at) per transaction,
/// the same number of workers as the API load, each on its own connection opened once.
/// </summary>
public static class RawInserts
{
    private const string Table = "bench_raw_messages";

    public static async Task<WorkloadResult> RunAsync(
        DatabaseProvider provider, string connectionString, int workers, double seconds, double warmup)
    {
        var settings = new Dictionary<string, string>();
        long messageRows;
        await using (var setup = await OpenAsync(provider, connectionString))
        {
            messageRows = Convert.ToInt64(await ScalarAsync(setup, """SELECT COUNT(*) FROM "Messages" """));
            foreach (var (name, sql) in SettingQueries(provider))
            {
                settings[name] = Convert.ToString(await ScalarAsync(setup, sql), System.Globalization.CultureInfo.InvariantCulture) ?? "";
            }

            foreach (var sql in CreateTable(provider))
            {
                await ExecuteAsync(setup, sql);
            }
        }

        var begin = Stopwatch.GetTimestamp();
        var windowStart = begin + (long)(warmup * Stopwatch.Frequency);
        var windowEnd = windowStart + (long)(seconds * Stopwatch.Frequency);
        var cpu = new CpuWindow(null);
        var cpuStarted = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(warmup));
            cpu.Start();
        });

        // SQLite's API is synchronous (async calls block), so its workers get threads of their own.
        var tasks = Enumerable.Range(0, workers).Select(w => provider == DatabaseProvider.Sqlite
            ? Task.Factory.StartNew(() => WorkerAsync(provider, connectionString, w, windowEnd).GetAwaiter().GetResult(), TaskCreationOptions.LongRunning)
            : Task.Run(() => WorkerAsync(provider, connectionString, w, windowEnd))).ToArray();
        var samples = (await Task.WhenAll(tasks)).SelectMany(s => s).Where(s => s.Start >= windowStart).ToList();
        await cpuStarted;
        var cpuUse = cpu.Stop();

        return new WorkloadResult
        {
            Database = provider == DatabaseProvider.Sqlite ? "sqlite" : "postgres",
            Kind = "raw",
            Workers = workers,
            Seconds = seconds,
            WarmupSeconds = warmup,
            Ops = [OpStats.From("all", samples, windowStart, windowEnd)],
            StatusCounts = samples.GroupBy(s => s.Status == 200 ? "insert ok" : "insert failed").ToDictionary(g => g.Key, g => (long)g.Count()),
            Cpu = cpuUse,
            Settings = settings,
            MessageRows = messageRows,
        };
    }

    private static async Task<List<Sample>> WorkerAsync(DatabaseProvider provider, string connectionString, int worker, long windowEnd)
    {
        var rng = new Random(worker * 104729 + 3);
        var conversations = Enumerable.Range(0, 1_000).Select(_ => Guid.CreateVersion7()).ToArray();
        var samples = new List<Sample>(1 << 16);
        await using var connection = await OpenAsync(provider, connectionString);
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO {Table} (id, conversation_id, text, created_at) VALUES (@id, @conversation, @text, @at)";
        var id = Parameter(insert, "@id");
        var conversation = Parameter(insert, "@conversation");
        var text = Parameter(insert, "@text");
        var at = Parameter(insert, "@at");
        while (Stopwatch.GetTimestamp() < windowEnd)
        {
            var now = DateTimeOffset.UtcNow;
            var start = Stopwatch.GetTimestamp();
            var status = 200;
            try
            {
                await using var tx = await connection.BeginTransactionAsync();
                insert.Transaction = tx;
                if (provider == DatabaseProvider.Sqlite)
                {
                    // Stored as Kefu stores them on SQLite: GUIDs as text, times as UTC ticks.
                    id.Value = Guid.CreateVersion7(now).ToString().ToUpperInvariant();
                    conversation.Value = conversations[rng.Next(conversations.Length)].ToString().ToUpperInvariant();
                    at.Value = now.UtcTicks;
                }
                else
                {
                    id.Value = Guid.CreateVersion7(now);
                    conversation.Value = conversations[rng.Next(conversations.Length)];
                    at.Value = now;
                }

                text.Value = Texts.Message(rng);
                await insert.ExecuteNonQueryAsync();
                await tx.CommitAsync();
            }
            catch (DbException e)
            {
                status = 500;
                Console.Error.WriteLine($"raw insert failed: {e.Message}");
            }

            samples.Add(new Sample(start, Stopwatch.GetTimestamp(), "insert", status));
        }

        return samples;
    }

    private static DbParameter Parameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Opens a connection configured as the server configures its own: for SQLite, Kefu's pragmas on every open.</summary>
    private static async Task<DbConnection> OpenAsync(DatabaseProvider provider, string connectionString)
    {
        DbConnection connection = provider == DatabaseProvider.Sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        if (provider == DatabaseProvider.Sqlite)
        {
            await ExecuteAsync(connection, SqlitePragmas.Pragmas);
        }

        return connection;
    }

    private static IEnumerable<(string Name, string Sql)> SettingQueries(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite
        ?
        [
            ("sqlite_version", "SELECT sqlite_version()"),
            ("journal_mode", "PRAGMA journal_mode"),
            ("synchronous", "PRAGMA synchronous"),
            ("busy_timeout", "PRAGMA busy_timeout"),
        ]
        :
        [
            ("server_version", "SHOW server_version"),
            ("synchronous_commit", "SHOW synchronous_commit"),
            ("fsync", "SHOW fsync"),
            ("wal_sync_method", "SHOW wal_sync_method"),
            ("shared_buffers", "SHOW shared_buffers"),
        ];

    private static string[] CreateTable(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite
        ?
        [
            $"DROP TABLE IF EXISTS {Table}",
            $"CREATE TABLE {Table} (id TEXT NOT NULL PRIMARY KEY, conversation_id TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL)",
            $"CREATE INDEX ix_{Table}_conversation ON {Table} (conversation_id, created_at)",
        ]
        :
        [
            $"DROP TABLE IF EXISTS {Table}",
            $"CREATE TABLE {Table} (id uuid NOT NULL PRIMARY KEY, conversation_id uuid NOT NULL, text text NOT NULL, created_at timestamptz NOT NULL)",
            $"CREATE INDEX ix_{Table}_conversation ON {Table} (conversation_id, created_at)",
        ];

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
