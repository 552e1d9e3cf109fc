using System.Globalization;
using System.Text;

namespace Kefu.Bench;

/// <summary>Turns the result files of one run into the Markdown section of docs/benchmarks.md.</summary>
public static class Report
{
    public const string Heading = "## HTTP API: conversations and messages";

    private static readonly (string Key, string Name)[] Databases = [("sqlite", "SQLite"), ("postgres", "PostgreSQL")];

    public static string Summary(WorkloadResult r) => string.Join(Environment.NewLine, r.Ops.Select(o =>
        $"bench: {r.Database} {r.Kind} {o.Op}: {o.PerSecond:F0}/s  p50 {Ms(o.P50Ms)} ms  p99 {Ms(o.P99Ms)} ms  max {Ms(o.MaxMs)} ms  errors {o.Errors}/{o.Count}"));

    public static string Section(string resultsDirectory, string? machineFile, string command)
    {
        var runs = Databases
            .Select(d => (d.Key, d.Name, Api: Load(resultsDirectory, $"{d.Key}-api.json"), Raw: Load(resultsDirectory, $"{d.Key}-raw.json")))
            .Where(d => d.Api is not null || d.Raw is not null)
            .ToList();
        var first = runs.SelectMany(r => new[] { r.Api, r.Raw }).FirstOrDefault(r => r is not null)
            ?? throw new InvalidOperationException($"no results in {resultsDirectory}");
        var machine = machineFile is not null && File.Exists(machineFile)
            ? File.ReadAllLines(machineFile).Where(l => l.Contains(':')).Select(l => (Key: l[..l.IndexOf(':')].Trim(), Value: l[(l.IndexOf(':') + 1)..].Trim())).ToList()
            : [];
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');

        Line(Heading);
        Line();
        Line("Closed-loop load through the real server process over HTTP (an API token, JSON bodies): each worker sends its next");
        Line("request as soon as the previous one has answered. One request in five creates a conversation (a new customer");
        Line("found-or-created by e-mail, plus the first message); four in five append an outbound reply, an inbound customer");
        Line($"message or an internal note to one of the {runs.Select(r => r.Api?.ActiveConversations).FirstOrDefault(a => a is not null) ?? 1000:N0} newest conversations. Texts mix Chinese and English.");
        Line("The **ceiling** is the same database, with the same durability settings, taking plain ADO.NET inserts of a");
        Line("message-shaped row (one row per transaction) from the same number of workers, measured in the same run right");
        Line("after the API load, with the server stopped. Machines are shared and noisy: read the ratio, not the absolute numbers.");
        Line();
        Line($"- Command: `{command}`");
        foreach (var (key, value) in machine.Where(m => m.Key == "date"))
        {
            Line($"- Date: {value}");
        }

        Line($"- Per workload: {first.Seconds:0.#} s measured after a {first.WarmupSeconds:0.#} s warm-up (not counted), {first.Workers} concurrent workers");
        var machineLines = machine.Where(m => m.Key != "date").ToList();
        if (machineLines.Count > 0)
        {
            Line("- Machine:");
            foreach (var (key, value) in machineLines)
            {
                Line($"  - {key}: {value}");
            }
        }

        Line();
        Line("| database | workload | requests/s | p50 ms | p99 ms | max ms | errors | ÷ ceiling |");
        Line("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (_, name, api, raw) in runs)
        {
            var ceiling = raw?.Overall.PerSecond;
            if (api is not null)
            {
                foreach (var (op, label) in new[] { ("all", "API, all requests (1 create : 4 appends)"), (ApiLoad.Create, "API, create conversation"), (ApiLoad.Append, "API, append message") })
                {
                    var o = api.Ops.First(x => x.Op == op);
                    // Only the whole mix is a like-for-like ratio: creates are a fifth of the requests by design.
                    var ratio = op == "all" && ceiling is > 0 ? Ratio(o.PerSecond / ceiling.Value) : "";
                    var bold = op == "all" ? "**" : "";
                    Line($"| {name} | {label} | {bold}{o.PerSecond:N0}{bold} | {Ms(o.P50Ms)} | {Ms(o.P99Ms)} | {Ms(o.MaxMs)} | {o.Errors} | {bold}{ratio}{bold} |");
                }
            }

            if (raw is not null)
            {
                var o = raw.Overall;
                Line($"| {name} | raw insert, 1 row per commit (ceiling) | {o.PerSecond:N0} | {Ms(o.P50Ms)} | {Ms(o.P99Ms)} | {Ms(o.MaxMs)} | {o.Errors} | 1 |");
            }
        }

        Line();
        Line("Latencies are from sending the request to reading the whole answer, over successful requests; requests/s counts");
        Line("successful requests only. \"÷ ceiling\" is API requests/s divided by raw inserts/s of the same database: each API");
        Line("request is one database transaction (one commit), so 1.00 would mean the API costs no more than the commit itself.");

        Line();
        Line("### Where the CPU went");
        Line();
        Line($"CPU-seconds per second of the measured window, from /proc (the machine has {first.Cpu?.Cores} cores, so {first.Cpu?.Cores}.00 is all of it).");
        Line("The load generator runs on the same machine and competes for the same cores. SQLite runs inside the server (or");
        Line("inside the raw-insert process, counted as load generator); \"PostgreSQL\" is all `postgres` processes (other clients");
        Line("of the same cluster included). \"Everything else\" is the kernel's own threads and anything else running on the");
        Line("machine (other tenants: noise). When it is large, the run was disturbed: compare CPU per request and the ratio.");
        Line();
        Line("| database | workload | machine busy | Kefu server | load generator | PostgreSQL | everything else | server CPU per request | machine CPU per request |");
        Line("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (_, name, api, raw) in runs)
        {
            foreach (var (r, label) in new[] { (api, "API"), (raw, "raw insert (ceiling)") })
            {
                if (r?.Cpu is { } c)
                {
                    var w = c.WallSeconds;
                    var done = r.Overall.PerSecond * w;
                    var server = r.Kind == "api" ? (c.Server / w).ToString("0.00", CultureInfo.InvariantCulture) : "–";
                    var serverPer = r.Kind == "api" ? CpuPer(c.Server, done) : "–";
                    Line($"| {name} | {label} | {c.MachineBusy / w:0.00} | {server} | {c.LoadGenerator / w:0.00} | {c.PostgresProcesses / w:0.00} | {c.Other / w:0.00} | {serverPer} | {CpuPer(c.MachineBusy, done)} |");
                }
            }
        }

        Line();
        Line("\"Machine CPU per request\" divides all the machine's busy time by the requests (or inserts) completed: an upper");
        Line("bound, since it includes the load generator and whatever else the machine was doing.");

        Line();
        Line("### Server process and data");
        Line();
        Line("| database | server RSS at the end | peak RSS | messages acknowledged (201) | message rows found afterwards |");
        Line("|---|---:|---:|---:|---:|");
        foreach (var (_, name, api, raw) in runs.Where(r => r.Api is not null))
        {
            Line($"| {name} | {Mib(api!.ServerRssKb)} | {Mib(api.ServerPeakRssKb)} | {api.AcknowledgedMessages:N0} | {(raw?.MessageRows is { } rows ? rows.ToString("N0", CultureInfo.InvariantCulture) : "–")} |");
        }

        Line();
        Line("Acknowledged messages include the warm-up; each created conversation has one message. The two counts must match:");
        Line("a difference would mean a write the API confirmed was lost, or one it wrote without confirming.");

        Line();
        Line("### Database settings (read back during the run)");
        Line();
        foreach (var (key, name, _, raw) in runs)
        {
            if (raw is null)
            {
                continue;
            }

            var s = raw.Settings;
            Line(key == "sqlite"
                ? $"- SQLite {s.GetValueOrDefault("sqlite_version")}: journal_mode={s.GetValueOrDefault("journal_mode")}, synchronous={s.GetValueOrDefault("synchronous")} (1 = NORMAL), busy_timeout={s.GetValueOrDefault("busy_timeout")} ms, the pragmas of Kefu's `SqlitePragmas`; the server's own connection string (`DatabaseSetup.SqliteFile`: pooled) on a fresh data directory. The ceiling writes a scratch table in the same database file."
                : $"- PostgreSQL {s.GetValueOrDefault("server_version")}: synchronous_commit={s.GetValueOrDefault("synchronous_commit")}, fsync={s.GetValueOrDefault("fsync")}, wal_sync_method={s.GetValueOrDefault("wal_sync_method")}, shared_buffers={s.GetValueOrDefault("shared_buffers")} (the server's defaults, untouched); a fresh database per run, dropped afterwards. The ceiling writes a scratch table in the same database.");
        }

        var errors = runs.Where(r => r.Api is { } a && a.Overall.Errors > 0).ToList();
        Line();
        Line("### Errors");
        Line();
        if (errors.Count == 0)
        {
            Line("None: every API request answered 201 Created.");
        }

        foreach (var (_, name, api, _) in errors)
        {
            Line($"- {name}: " + string.Join(", ", api!.StatusCounts.Select(kv => $"{kv.Key} × {kv.Value}")));
            foreach (var e in api.ErrorSamples.Take(5))
            {
                Line($"  - at {e.AtSecond:0.0} s `{e.Op}` → {e.Status}: `{e.Body.ReplaceLineEndings(" ").Replace('`', '\'')}`");
            }
        }

        Line();
        Line("### What the numbers say");
        Line();
        foreach (var line in Interpretation(runs.Select(r => (r.Name, r.Api, r.Raw)).ToList()))
        {
            Line(line);
        }

        return md.ToString().TrimEnd('\n') + "\n";
    }

    private static IEnumerable<string> Interpretation(List<(string Name, WorkloadResult? Api, WorkloadResult? Raw)> runs)
    {
        foreach (var (name, api, raw) in runs)
        {
            if (api is null || raw is null)
            {
                continue;
            }

            var ratio = api.Overall.PerSecond / raw.Overall.PerSecond;
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture,
                $"- **{name}:** the API completed {api.Overall.PerSecond:N0} requests/s, {Ratio(ratio)} × the {raw.Overall.PerSecond:N0} single-row commits/s " +
                $"that the same database took from plain ADO.NET (p99 {Ms(api.Overall.P99Ms)} ms against {Ms(raw.Overall.P99Ms)} ms).");
            if (api.Cpu is { } c && raw.Cpu is { } rc)
            {
                var w = c.WallSeconds;
                var busy = c.MachineBusy / w;
                var requests = api.Overall.PerSecond * w;
                var inserts = raw.Overall.PerSecond * rc.WallSeconds;
                text.Append(CultureInfo.InvariantCulture,
                    $" The server process spent {CpuPer(c.Server, requests)} of CPU per request ({c.Server / w:0.00} cores busy); a raw insert cost " +
                    $"{CpuPer(rc.LoadGenerator + rc.PostgresProcesses, inserts)} of CPU in the inserting process");
                text.Append(raw.Database == "postgres" ? " and PostgreSQL together." : " (SQLite included).");
                var noise = c.Other / w;
                text.Append(busy / c.Cores < 0.85
                    ? $" The cores were not saturated during the API load ({busy:0.00} of {c.Cores} busy), so requests spent much of their time "
                      + "waiting — on the database's locks and commits — rather than computing."
                    : noise >= c.Server / w
                        ? $" The machine's {c.Cores} cores were saturated during the API load, but mostly by other work ({noise:0.00} cores outside "
                          + $"the server, the load generator and PostgreSQL, against {c.Server / w:0.00} for the server): this run's absolute "
                          + "numbers are depressed by that noise, and the ratio only indicative; the server's CPU per request is the figure "
                          + "least affected by it."
                        : $" The machine's {c.Cores} cores were saturated during the API load (server {c.Server / w:0.00}, load generator "
                          + $"{c.LoadGenerator / w:0.00}, PostgreSQL {c.PostgresProcesses / w:0.00}, everything else {noise:0.00}), so the API's rate is "
                          + "set by CPU work per request — mostly the server's own (HTTP, authentication, EF Core queries and change tracking, "
                          + "JSON) — rather than by how fast the database commits.");
            }

            yield return text.ToString();
            if (raw.Database == "sqlite" && raw.Overall.MaxMs > 1000)
            {
                yield return $"- The slowest raw SQLite insert waited {raw.Overall.MaxMs / 1000:0.0} s although the median took {Ms(raw.Overall.P50Ms)} ms, "
                    + "most likely because SQLite's busy handler is not a queue: a waiting writer sleeps and retries, so with many writers an "
                    + "unlucky one can lose the race for the write lock again and again, up to busy_timeout (30 s), after which it would fail "
                    + "with \"database is locked\".";
            }
        }

        yield return "- Every API request is one transaction, but several statements: an append runs the API-token lookup, a look-up "
            + "by clientMessageId (idempotency), the conversation load, then INSERT message + INSERT activity + UPDATE conversation "
            + "(optimistic version check) in one commit, and after it re-reads the conversation and its customer for the realtime "
            + "event; a create also finds or creates the customer and its identity and bumps the conversation-number counter "
            + "(UPDATE … RETURNING, which serialises concurrent creates). Counted once from EF Core's command log with one worker "
            + "(when this benchmark was added): 8 SQL commands over 6 connection opens per append (10 when the reply changes the "
            + "status), 10 commands over 3 opens per create; Kefu's SQLite PRAGMAs run once per pooled physical connection, not per open. The raw "
            + "insert is one statement per commit, so the ratio prices all of that plus HTTP, authentication and JSON.";
        yield return "- SQLite has one writer at a time: concurrent writers wait in SQLite's busy handler (busy_timeout), which sleeps "
            + "in steps of milliseconds rather than queueing, so its tail latency grows with the number of workers; PostgreSQL queues "
            + "row locks and lets commits share a WAL flush.";
        yield return "- The load generator, the server and (for PostgreSQL) the database share the same cores, so these figures are a "
            + "floor for a machine where they do not.";
    }

    /// <summary>Replaces one benchmark's section of the file (from its heading to the next "## " heading), or adds it.</summary>
    public static void WriteInto(string path, string heading, string section)
    {
        var existing = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        if (existing.Length == 0)
        {
            File.WriteAllText(path, "# Benchmarks\n\n" +
                "Reproducible numbers for Kefu. Each section names the command that produced it and the machine it ran on;\n" +
                "run the command on your machine and compare the ratios to the ceiling measured in the same run rather than\n" +
                "the absolute numbers (the machines are shared and noisy). Performance is measured here, never asserted in tests.\n\n" +
                section);
            return;
        }

        var lines = existing.Split('\n').ToList();
        var start = lines.FindIndex(l => l.TrimEnd() == heading);
        if (start < 0)
        {
            File.WriteAllText(path, existing.TrimEnd('\n') + "\n\n" + section);
            return;
        }

        var end = lines.FindIndex(start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        var before = string.Join('\n', lines.Take(start));
        var after = end < 0 ? "" : string.Join('\n', lines.Skip(end));
        File.WriteAllText(path, (before.Length > 0 ? before.TrimEnd('\n') + "\n\n" : "") + section + (after.Length > 0 ? "\n" + after.TrimEnd('\n') + "\n" : ""));
    }

    private static WorkloadResult? Load(string directory, string file) =>
        File.Exists(Path.Combine(directory, file)) ? WorkloadResult.Load(Path.Combine(directory, file)) : null;

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    /// <summary>Two decimals, or three below 0.1 so that small ratios stay comparable between runs.</summary>
    private static string Ratio(double r) => r.ToString(r < 0.1 ? "0.000" : "0.00", CultureInfo.InvariantCulture);

    private static string CpuPer(double cpuSeconds, double operations) =>
        operations <= 0 ? "–" : cpuSeconds / operations * 1000 is var ms && ms >= 1 ? $"{ms:0.00} ms" : $"{ms * 1000:0} µs";

    private static string Mib(long? kb) => kb is { } k ? $"{k / 1024.0:0} MiB" : "–";
}
