using System.Data.Common;
using System.Diagnostics;
using System.Text;
using Kefu.Core.Routing;
using Kefu.Core.Tickets;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Kefu.Bench;

/// <summary>
/// What a timer tick costs with many open conversations: N open conversations whose SLA due times are spread over the
/// next 30 days (a few hundred due now) and N pending durable jobs (promises, re-offers, follow-ups) likewise, in a
/// freshly migrated database; then the queries the SLA worker and the job worker run every tick, timed over many
/// repetitions, beside a full scan of the same table (what the tick would cost without its index). Plus the pure
/// routing decision rate.
/// </summary>
public static class TimerScan
{
    public const int DueNow = 500;

    public sealed record ScanResult(string Database, int Conversations, double LoadSeconds, double SlaTickMs, double JobTickMs, double FullScanMs, int DueFound, long DatabaseBytes);

    public static async Task<ScanResult> RunAsync(DatabaseProvider provider, string connectionString, int count, int repetitions)
    {
        var options = new DbContextOptionsBuilder<KefuDbContext>();
        DatabaseSetup.Configure(options, provider, connectionString);
        await using (var db = new KefuDbContext(options.Options))
        {
            await db.Database.MigrateAsync();
        }

        var now = DateTimeOffset.UtcNow;
        var load = Stopwatch.StartNew();
        await using var connection = await OpenAsync(provider, connectionString);
        await FillAsync(provider, connection, count, now);
        load.Stop();

        // The worker's own queries (SlaWorker.RunBatchAsync, JobWorker.ClaimAsync without the UPDATE), read-only here so
        // every repetition sees the same rows.
        var postgres = provider == DatabaseProvider.Postgres;
        object At(DateTimeOffset t) => postgres ? t : t.UtcTicks;
        var sla = postgres
            ? """SELECT "Id" FROM "Conversations" WHERE "NextSlaDueAt" <= @now ORDER BY "NextSlaDueAt" LIMIT 200"""
            : """SELECT "Id" FROM "Conversations" WHERE "NextSlaDueAt" IS NOT NULL AND "NextSlaDueAt" <= @now ORDER BY "NextSlaDueAt" LIMIT 200""";
        const string jobs = """SELECT "Id" FROM "Jobs" WHERE "State" = 'Pending' AND "RunAt" <= @now AND ("LockedUntil" IS NULL OR "LockedUntil" <= @now) ORDER BY "RunAt" LIMIT 8""";
        // A column without an index (the subject has a trigram index on PostgreSQL): every row is read.
        const string full = """SELECT count(*) FROM "Conversations" WHERE "MessageCount" < 0""";
        var due = 0;
        var slaMs = await TimeAsync(connection, sla, At(now), repetitions, n => due = n);
        var jobMs = await TimeAsync(connection, jobs, At(now), repetitions, _ => { });
        var fullMs = await TimeAsync(connection, full, null, Math.Max(3, repetitions / 50), _ => { });
        return new ScanResult(provider.ToString().ToLowerInvariant(), count, load.Elapsed.TotalSeconds, slaMs, jobMs, fullMs, due, await SizeAsync(provider, connection, connectionString));
    }

    /// <summary>Routing decisions per second: one conversation at a time against a workspace of agents in teams.</summary>
    public static (double PerSecond, int Agents) Routing(int agents, double seconds)
    {
        var now = DateTimeOffset.UtcNow;
        var teams = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToArray();
        var categories = Enumerable.Range(0, 25).Select(_ => Guid.NewGuid()).ToArray();
        var settings = new RoutingSettings(
            categories.Select((c, i) => (c, teams[i % teams.Length])).ToDictionary(x => x.c, x => x.Item2),
            categories.Select((c, i) => (c, "skill" + (i % 7))).ToDictionary(x => x.c, x => x.Item2),
            VipTeamId: teams[0]);
        var random = new Random(42);
        var pool = Enumerable.Range(0, agents).Select(i => new RoutingAgent(
            Guid.NewGuid(), random.NextDouble() < 0.8, [teams[i % teams.Length]], ["skill" + (i % 7), "skill" + ((i + 3) % 7)],
            i % 3 == 0 ? ["zh-CN", "en"] : ["zh-CN"], 5, random.Next(0, 6), now.AddMinutes(-random.Next(0, 600)))).ToList();
        var requests = Enumerable.Range(0, 1_000).Select(i => new RoutingRequest(
            Channel.Chat, categories[i % categories.Length], i % 4 == 0 ? "en" : "zh-CN", i % 20 == 0, null,
            i % 5 == 0 ? pool[i % pool.Count].Id : null, now.AddSeconds(-i))).ToArray();
        var decisions = 0L;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            Router.Route(requests[decisions % requests.Length], pool, settings, now);
            decisions++;
        }

        return (decisions / clock.Elapsed.TotalSeconds, agents);
    }

    private static async Task FillAsync(DatabaseProvider provider, DbConnection connection, int count, DateTimeOffset now)
    {
        var customer = Guid.NewGuid();
        var postgres = provider == DatabaseProvider.Postgres;
        string Time(string offsetSeconds) => postgres ? $"(@now + ({offsetSeconds}) * interval '1 second')" : $"(@nowTicks + ({offsetSeconds}) * 10000000)";
        string NewId() => postgres ? "gen_random_uuid()" : "upper(substr(h,1,8)||'-'||substr(h,9,4)||'-'||substr(h,13,4)||'-'||substr(h,17,4)||'-'||substr(h,21,12))";
        var series = postgres ? $"generate_series(1, {count}) AS s(i)" : $"(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {count}) SELECT i, hex(randomblob(16)) AS h FROM s)";
        // Due now for the first few hundred, else some time in the next 30 days.
        var due = $"CASE WHEN i <= {DueNow} THEN -60 ELSE ({(postgres ? "i::bigint" : "i")} * 7919) % 2592000 END";
        var idCustomer = postgres ? "@customer" : "upper(@customer)";
        var noTags = postgres ? "'{}'" : "'[]'";
        var sql = new StringBuilder();
        sql.Append($"""
            INSERT INTO "Customers" ("Id", "Name", "Tags", "Attributes", "CreatedAt", "UpdatedAt", "Version")
            VALUES ({idCustomer}, 'Bench customer', {noTags}, '{"{}"}', {Time("0")}, {Time("0")}, 1);
            INSERT INTO "Conversations" ("Id", "Number", "Channel", "Subject", "Status", "Priority", "Tags", "CustomerId",
                "CreatedAt", "UpdatedAt", "LastMessageAt", "StatusChangedAt", "MessageCount", "Version",
                "NextSlaDueAt", "FirstResponseDueAt", "AwaitingReplySince", "SlaPausedSeconds", "NextResponseCycle", "NextResponsePausedBase",
                "FirstResponseSlaStage", "NextResponseSlaStage", "ResolutionSlaStage")
            SELECT {NewId()}, 100000 + i, 'Chat', 'Bench conversation ' || i, 'Open', 'Normal', {noTags}, {idCustomer},
                {Time("-3600")}, {Time("-3600")}, {Time("-3600")}, {Time("-3600")}, 1, 1,
                {Time(due)}, {Time(due)}, {Time("-3600")}, 0, 0, 0, 0, 0, 0
            FROM {series};
            INSERT INTO "Jobs" ("Id", "Kind", "Payload", "State", "Attempts", "RunAt", "CreatedAt")
            SELECT {NewId()}, 'promise.reminder', '{"{}"}', 'Pending', 0, {Time(due)}, {Time("-3600")}
            FROM {series};
            """);
        await using var command = connection.CreateCommand();
        command.CommandText = sql.ToString();
        command.CommandTimeout = 3600;
        Add(command, "now", now);
        Add(command, "nowTicks", now.UtcTicks);
        Add(command, "customer", postgres ? customer : customer.ToString());
        await command.ExecuteNonQueryAsync();
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE";
        analyze.CommandTimeout = 3600;
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task<double> TimeAsync(DbConnection connection, string sql, object? now, int repetitions, Action<int> rows)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 3600;
        if (now is not null)
        {
            Add(command, "now", now);
        }

        // Warm the statement and the cache first: a worker runs the same query every few seconds.
        await CountAsync(command);
        var clock = Stopwatch.StartNew();
        var found = 0;
        for (var i = 0; i < repetitions; i++)
        {
            found = await CountAsync(command);
        }

        rows(found);
        return clock.Elapsed.TotalMilliseconds / repetitions;
    }

    private static async Task<int> CountAsync(DbCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        var n = 0;
        while (await reader.ReadAsync())
        {
            n++;
        }

        return n;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    private static async Task<DbConnection> OpenAsync(DatabaseProvider provider, string connectionString)
    {
        DbConnection connection = provider == DatabaseProvider.Postgres
            ? new NpgsqlConnection(connectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<long> SizeAsync(DatabaseProvider provider, DbConnection connection, string connectionString)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString).DataSource;
            return new FileInfo(file).Length + (File.Exists(file + "-wal") ? new FileInfo(file + "-wal").Length : 0);
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pg_database_size(current_database())";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
