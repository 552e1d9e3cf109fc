using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Kefu.Bench;
using Kefu.Data;

// The pieces of bench/run.sh (which builds, starts the real server and the databases and calls these):
//   free-port                                  print a free TCP port on 127.0.0.1
//   wait-ready --url U [--pid P --timeout S]   wait until GET U/health/ready answers 200 (fails if process P exits)
//   api    --database D --url U --email E [--workers N --seconds S --warmup W --active A --server-pid P] --out F.json
//          (password in BENCH_ADMIN_PASSWORD)
//   raw    --database sqlite --data-dir DIR | --database postgres [--workers N --seconds S --warmup W] --out F.json
//          (SQLite: the server's own connection string for DIR; PostgreSQL: BENCH_CONNECTION_STRING, kept off the
//          command line for the password)
//   report --results DIR [--doc docs/benchmarks.md] [--machine FILE] [--command TEXT]
// and of bench/chat.sh (the live chat load on the SignalR hubs):
//   chat   --url U --email E [--visitors N --agents M --rates "100 250 …" --step-seconds S --warmup W --drain D
//          --connections C --connect-batch B --held-rate R --held-seconds S --echo true|false --server-pid P] --out F.json
//          (password in BENCH_ADMIN_PASSWORD)
//   chat-count  --data-dir DIR --result F.json [--server-log F]   count the stored messages (server stopped) and the
//               server's logged failures into the result
//   chat-report --result F.json [--doc docs/benchmarks.md] [--machine FILE] [--command TEXT]
// and of bench/bot.sh (the FAQ matcher at knowledge-base sizes up to 10,000 entries, one core):
//   faq --kb KB.csv --test TEST.csv --entries N [--passes P]   print one Markdown table row
// and of bench/webhooks.sh (webhook delivery throughput against a local receiver):
//   webhooks --database D --url U --email E [--subscriptions K --messages N --workers W --concurrency C --ceiling-seconds S] --out F.json
//   webhooks-report --results DIR [--doc docs/benchmarks.md] [--machine FILE] [--command TEXT]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Kefu.Bench free-port | wait-ready … | api … | raw … | report … | chat … | chat-count … | chat-report … (see bench/run.sh, bench/chat.sh)");
    return 2;
}

var options = Options(args.Skip(1).ToArray());
string Get(string name) => options.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required.");
string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : throw new ArgumentException($"{name} is not set.");
int Workers() => int.Parse(options.GetValueOrDefault("workers", "16"), CultureInfo.InvariantCulture);
double Seconds(string name, string fallback) => double.Parse(options.GetValueOrDefault(name, fallback), CultureInfo.InvariantCulture);

switch (args[0])
{
    case "free-port":
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Console.WriteLine(((IPEndPoint)listener.LocalEndpoint).Port);
        return 0;
    }

    case "wait-ready":
    {
        var url = new Uri(new Uri(Get("url")), "/health/ready");
        var deadline = DateTime.UtcNow.AddSeconds(Seconds("timeout", "120"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (DateTime.UtcNow < deadline)
        {
            if (options.TryGetValue("pid", out var watched) && !ProcStat.IsRunning(int.Parse(watched, CultureInfo.InvariantCulture)))
            {
                Console.Error.WriteLine($"bench: the server (pid {watched}) exited before it was ready.");
                return 1;
            }

            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return 0;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }

            await Task.Delay(250);
        }

        Console.Error.WriteLine($"bench: {url} did not answer 200 in time.");
        return 1;
    }

    case "api":
    {
        var result = await ApiLoad.RunAsync(Get("database"), new Uri(Get("url")), Get("email"), Env("BENCH_ADMIN_PASSWORD"),
            Workers(), Seconds("seconds", "60"), Seconds("warmup", "3"), int.Parse(options.GetValueOrDefault("active", "1000"), CultureInfo.InvariantCulture),
            options.TryGetValue("server-pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null);
        result.Save(Get("out"));
        Console.WriteLine(Report.Summary(result));
        return 0;
    }

    case "timers":
    {
        var provider = Get("database") == "postgres" ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        var connectionString = provider == DatabaseProvider.Sqlite
            ? DatabaseSetup.SqliteFile(Path.GetFullPath(Get("data-dir")))
            : Env("BENCH_CONNECTION_STRING");
        var r = await TimerScan.RunAsync(provider, connectionString, int.Parse(options.GetValueOrDefault("conversations", "1000000"), CultureInfo.InvariantCulture),
            int.Parse(options.GetValueOrDefault("repetitions", "200"), CultureInfo.InvariantCulture));
        Console.WriteLine($"| {r.Database} | {r.Conversations:N0} open + {r.Conversations:N0} pending jobs | {r.LoadSeconds:0} s | {r.SlaTickMs:0.00} ms ({r.DueFound} due) | " +
            $"{r.JobTickMs:0.00} ms | {r.FullScanMs:N0} ms | {r.FullScanMs / Math.Max(r.SlaTickMs, 0.001):N0} × | {r.DatabaseBytes / 1048576.0:N0} MiB |");
        return 0;
    }

    case "faq":
    {
        var r = FaqLatency.Run(Get("kb"), Get("test"), int.Parse(Get("entries"), CultureInfo.InvariantCulture),
            int.Parse(options.GetValueOrDefault("passes", "5"), CultureInfo.InvariantCulture));
        Console.WriteLine($"| {r.Entries:N0} ({r.Phrasings:N0} phrasings) | {r.Classifier} | {r.BuildSeconds:0.0} s | {r.P50Ms:0.00} ms | **{r.P99Ms:0.00} ms** | {r.MaxMs:0.0} ms | " +
            $"{r.SearchP50Ms:0.00} / {r.SearchP99Ms:0.00} ms | {r.P99Ms / Math.Max(r.SearchP99Ms, 0.001):0.0} × | {r.Top1SameAnswer}/{r.InScope} |");
        return 0;
    }

    case "routing":
    {
        foreach (var agents in new[] { 50, 500, 5_000 })
        {
            var (perSecond, n) = TimerScan.Routing(agents, Seconds("seconds", "3"));
            Console.WriteLine($"| {n:N0} | {perSecond:N0} |");
        }

        return 0;
    }

    case "mail":
    {
        Console.WriteLine(await MailIngestBench.RunAsync(Get("database"), new Uri(Get("url")), Get("email"), Env("BENCH_ADMIN_PASSWORD"),
            Env("KEFU_TEST_MAIL_HOST"), Env("KEFU_TEST_MAIL_USER"), Env("KEFU_TEST_MAIL_PASSWORD"), int.Parse(options.GetValueOrDefault("count", "1000"), CultureInfo.InvariantCulture)));
        return 0;
    }

    case "raw":
    {
        var provider = Get("database") switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgres" => DatabaseProvider.Postgres,
            var other => throw new ArgumentException($"--database {other}: use sqlite or postgres."),
        };
        var connectionString = provider == DatabaseProvider.Sqlite
            ? DatabaseSetup.SqliteFile(Path.GetFullPath(Get("data-dir")))
            : Env("BENCH_CONNECTION_STRING");
        var result = await RawInserts.RunAsync(provider, connectionString, Workers(), Seconds("seconds", "60"), Seconds("warmup", "3"));
        result.Save(Get("out"));
        Console.WriteLine(Report.Summary(result));
        return 0;
    }

    case "chat":
    {
        var defaults = new ChatSettings { Server = new Uri(Get("url")), Email = Get("email"), Password = Env("BENCH_ADMIN_PASSWORD") };
        int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        double Real(string name, double fallback) => options.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var settings = defaults with
        {
            Visitors = Int("visitors", defaults.Visitors),
            Agents = Int("agents", defaults.Agents),
            Rates = options.TryGetValue("rates", out var rates)
                ? rates.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Select(r => double.Parse(r, CultureInfo.InvariantCulture)).ToList()
                : defaults.Rates,
            StepSeconds = Real("step-seconds", defaults.StepSeconds),
            WarmupSeconds = Real("warmup", defaults.WarmupSeconds),
            DrainSeconds = Real("drain", defaults.DrainSeconds),
            Connections = Int("connections", defaults.Connections),
            ConnectBatch = Int("connect-batch", defaults.ConnectBatch),
            ConnectConcurrency = Int("connect-concurrency", defaults.ConnectConcurrency),
            HeldRate = Real("held-rate", defaults.HeldRate),
            HeldSeconds = Real("held-seconds", defaults.HeldSeconds),
            Echo = options.GetValueOrDefault("echo", "true") == "true",
            ServerPid = options.TryGetValue("server-pid", out var serverPid) ? int.Parse(serverPid, CultureInfo.InvariantCulture) : null,
        };
        if (settings.Visitors < 1 || settings.Agents < 1 || settings.Rates.Count == 0 || settings.Rates.Any(r => r <= 0))
        {
            throw new ArgumentException("--visitors and --agents must be at least 1, --rates positive numbers.");
        }

        var result = await ChatLoad.RunAsync(settings);
        result.Save(Get("out"));
        Console.WriteLine(ChatReport.Summary(result));
        return 0;
    }

    case "chat-count":
    {
        var path = Get("result");
        var result = ChatLoad.CountMessages(ChatResult.Load(path), DatabaseSetup.SqliteFile(Path.GetFullPath(Get("data-dir"))), options.GetValueOrDefault("server-log"));
        result.Save(path);
        Console.Error.WriteLine($"bench: {result.MessageRows:N0} message rows stored, {result.KefuAcknowledged:N0} acknowledged");
        return 0;
    }

    case "chat-report":
    {
        var section = ChatReport.Section(ChatResult.Load(Get("result")), options.GetValueOrDefault("machine"), options.GetValueOrDefault("command", "bench/chat.sh"));
        Console.WriteLine(section);
        if (options.TryGetValue("doc", out var doc))
        {
            Report.WriteInto(doc, ChatReport.Heading, section);
            Console.Error.WriteLine($"bench: wrote {doc}");
        }

        return 0;
    }

    case "webhooks":
    {
        int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var result = await WebhookLoad.RunAsync(new WebhookSettings(
            new Uri(Get("url")), Get("email"), Env("BENCH_ADMIN_PASSWORD"), Get("database"), Int("subscriptions", 5), Int("messages", 2000),
            Workers(), Int("concurrency", 8), Seconds("ceiling-seconds", "10")));
        result.Save(Get("out"));
        Console.Error.WriteLine($"bench: {result.Database}: {result.Received}/{result.Expected} deliveries, {result.DeliveriesPerSecond:0}/s; ceiling {result.CeilingPostsPerSecond:0}/s");
        return result.Received == result.Expected && result.BadSignatures == 0 ? 0 : 1;
    }

    case "webhooks-report":
    {
        var section = WebhookLoad.Section(Get("results"), options.GetValueOrDefault("machine"), options.GetValueOrDefault("command", "bench/webhooks.sh"));
        Console.WriteLine(section);
        if (options.TryGetValue("doc", out var doc))
        {
            Report.WriteInto(doc, WebhookLoad.Heading, section);
            Console.Error.WriteLine($"bench: wrote {doc}");
        }

        return 0;
    }

    case "report":
    {
        var section = Report.Section(Get("results"), options.GetValueOrDefault("machine"), options.GetValueOrDefault("command", "bench/run.sh"));
        Console.WriteLine(section);
        if (options.TryGetValue("doc", out var doc))
        {
            Report.WriteInto(doc, Report.Heading, section);
            Console.Error.WriteLine($"bench: wrote {doc}");
        }

        return 0;
    }

    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 2;
}

static Dictionary<string, string> Options(string[] args)
{
    var options = new Dictionary<string, string>();
    for (var i = 0; i < args.Length; i++)
    {
        if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
        {
            throw new ArgumentException($"unexpected argument '{args[i]}' (options are --name value).");
        }

        options[args[i][2..]] = args[++i];
    }

    return options;
}
