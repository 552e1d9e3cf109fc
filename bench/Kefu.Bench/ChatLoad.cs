using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Kefu.Bench;

public sealed record ChatSettings
{
    public required Uri Server { get; init; }

    public required string Email { get; init; }

    public required string Password { get; init; }

    public int Visitors { get; init; } = 200;

    public int Agents { get; init; } = 20;

    public IReadOnlyList<double> Rates { get; init; } = [100, 250, 500, 750, 1000, 1500, 2000, 3000];

    public double StepSeconds { get; init; } = 15;

    public double WarmupSeconds { get; init; } = 5;

    /// <summary>How long after a step's last send its messages may still arrive and count.</summary>
    public double DrainSeconds { get; init; } = 10;

    /// <summary>After a saturated step: how long to wait for the server to work off its backlog before the next step.</summary>
    public double QuiesceSeconds { get; init; } = 120;

    /// <summary>Visitors to hold connected at once (the chat phase's visitors included); 0 skips the ramp.</summary>
    public int Connections { get; init; } = 10_000;

    public int ConnectBatch { get; init; } = 500;

    public int ConnectConcurrency { get; init; } = 50;

    public double HeldRate { get; init; } = 100;

    public double HeldSeconds { get; init; } = 15;

    public int? ServerPid { get; init; }

    public bool Echo { get; init; } = true;
}

/// <summary>
/// The live chat load: N visitors on /hubs/visitor (the widget's hub) and M agents on /hubs/agent (API tokens), each
/// visitor in its own chat conversation joined by one agent. Open-loop steps of rising message rates send half of the
/// messages visitor → agent and half agent → visitor, and time each from just before the hub call to the "message"
/// event on the other side. The ceiling is the same shape on /hubs/echo (Join a group, Broadcast to it: SignalR with no
/// Kefu work), interleaved step by step with Kefu's so both see the same machine. Then visitors are added in batches up
/// to the connection target and held while messages keep flowing.
/// </summary>
public static class ChatLoad
{
    private const int MaxErrorSamples = 10;
    private static readonly string[] TokenScopes = ["conversations:read", "conversations:write"];

    public static async Task<ChatResult> RunAsync(ChatSettings s)
    {
        var started = Stopwatch.GetTimestamp();
        var serverIdleRss = ProcStat.Memory(s.ServerPid).Rss;
        await using var hubs = new HubFactory(s.Server);
        var tracker = new Tracker();
        var log = (string text) => Console.Error.WriteLine($"bench: chat: {text}");

        log($"setting up {s.Visitors} visitors and {s.Agents} agents");
        var setupStart = Stopwatch.GetTimestamp();
        await using var kefu = await KefuTarget.SetUpAsync(s, hubs, tracker, log);
        await using var echo = s.Echo ? await EchoTarget.SetUpAsync(s, hubs, tracker) : null;
        var setupSeconds = Seconds(Stopwatch.GetTimestamp() - setupStart);
        log($"set up in {setupSeconds:0.0} s");

        var runner = new StepRunner(s, tracker);
        var targets = new List<ChatTarget>();
        if (echo is not null)
        {
            targets.Add(echo);
        }

        targets.Add(kefu);
        foreach (var target in targets)
        {
            log($"{target.Name}: warm-up, {s.Rates[0]:0} msg/s for {s.WarmupSeconds:0.#} s (not counted)");
            await runner.RunAsync(target, "warmup", "w", s.Rates[0], s.WarmupSeconds);
        }

        // Interleaved: at each rate the ceiling, then Kefu, so a noisy neighbour disturbs both alike.
        var saturated = new HashSet<string>();
        for (var i = 0; i < s.Rates.Count; i++)
        {
            foreach (var target in targets.Where(t => !saturated.Contains(t.Name)))
            {
                var step = await runner.RunAsync(target, "step", $"s{i}", s.Rates[i], s.StepSeconds);
                log($"{target.Name} {s.Rates[i]:0} msg/s: delivered {step.DeliveredPerSecond:0}/s p50 {step.Delivery.P50Ms:0.0} ms p99 {step.Delivery.P99Ms:0.0} ms " +
                    $"max {step.Delivery.MaxMs:0.0} ms, errors {step.SendErrors}, not delivered {step.NotDelivered}, server CPU {step.Cpu?.Server / step.Cpu?.WallSeconds:0.00}" +
                    (step.Saturated ? " — saturated" : ""));
                if (step.Saturated)
                {
                    saturated.Add(target.Name);
                }
            }
        }

        ConnectionsResult? connections = null;
        if (s.Connections > 0)
        {
            connections = await RampAsync(s, hubs, kefu, runner, log);
        }

        var steps = runner.Finish();
        var peak = ProcStat.Memory(s.ServerPid).Peak;
        return new ChatResult
        {
            Visitors = s.Visitors,
            Agents = s.Agents,
            Rates = [.. s.Rates],
            StepSeconds = s.StepSeconds,
            WarmupSeconds = s.WarmupSeconds,
            DrainSeconds = s.DrainSeconds,
            SetupSeconds = setupSeconds,
            Steps = steps.Where(x => x.Kind == "step").ToList(),
            Connections = connections is null ? null : connections with { Held = steps.FirstOrDefault(x => x.Kind == "held") },
            KefuAcknowledged = kefu.Acknowledged,
            Dropped = hubs.Dropped,
            DropSamples = [.. hubs.DropSamples],
            ServerIdleRssKb = serverIdleRss,
            ServerPeakRssKb = peak,
            ServerOpenFilesLimit = s.ServerPid is { } pid ? ProcStat.OpenFilesLimit(pid.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null,
            GeneratorOpenFilesLimit = ProcStat.OpenFilesLimit("self"),
            TotalSeconds = Seconds(Stopwatch.GetTimestamp() - started),
        };
    }

    /// <summary>
    /// Adds visitors (connect, Start: what a page with the widget does) in batches up to the target, then keeps
    /// messages flowing between the chat phase's visitors and agents while all of them are held.
    /// </summary>
    private static async Task<ConnectionsResult> RampAsync(ChatSettings s, HubFactory hubs, KefuTarget kefu, StepRunner runner, Action<string> log)
    {
        var held = new ConcurrentBag<HubConnection>();
        var errors = new ConcurrentQueue<string>();
        var batches = new List<ConnectBatch>();
        var failed = 0;
        var rssBefore = ProcStat.Memory(s.ServerPid).Rss;
        var begin = Stopwatch.GetTimestamp();
        var droppedBefore = hubs.Dropped;
        string? stoppedBecause = null;
        log($"connections: ramping to {s.Connections:N0} visitors in batches of {s.ConnectBatch}");
        using var gate = new SemaphoreSlim(s.ConnectConcurrency);
        while (s.Visitors + held.Count < s.Connections)
        {
            var size = Math.Min(s.ConnectBatch, s.Connections - s.Visitors - held.Count);
            var batchStart = Stopwatch.GetTimestamp();
            var cpuBefore = ProcStat.ProcessCpuSeconds(s.ServerPid);
            var batchFailed = 0;
            var offset = held.Count;
            await Task.WhenAll(Enumerable.Range(0, size).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var connection = await kefu.ConnectIdleVisitorAsync(offset + i);
                    held.Add(connection);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref batchFailed);
                    if (errors.Count < MaxErrorSamples)
                    {
                        errors.Enqueue(Describe(e));
                    }
                }
                finally
                {
                    gate.Release();
                }
            }));
            failed += batchFailed;
            var now = Stopwatch.GetTimestamp();
            var batch = new ConnectBatch(s.Visitors + held.Count, size, batchFailed, Seconds(now - begin), Seconds(now - batchStart),
                ProcStat.Memory(s.ServerPid).Rss, ProcStat.OpenFiles(s.ServerPid), Environment.WorkingSet / 1024, ProcStat.OpenFiles(Environment.ProcessId) ?? 0,
                ProcStat.ProcessCpuSeconds(s.ServerPid) - cpuBefore);
            batches.Add(batch);
            log($"connections: {batch.Visitors:N0} visitors held after {batch.ElapsedSeconds:0.0} s ({batchFailed} failed in this batch), server RSS {batch.ServerRssKb / 1024} MiB, server fds {batch.ServerFds}");
            if (batchFailed > size / 10)
            {
                stoppedBecause = $"{batchFailed} of {size} connections in the last batch failed: {errors.LastOrDefault()}";
                break;
            }
        }

        var rampSeconds = Seconds(Stopwatch.GetTimestamp() - begin);
        // What holding them costs by itself: keep-alive pings both ways every 15 s, timers.
        var idleStart = Stopwatch.GetTimestamp();
        var idleCpu = ProcStat.ProcessCpuSeconds(s.ServerPid);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idleCores = (ProcStat.ProcessCpuSeconds(s.ServerPid) - idleCpu) / Seconds(Stopwatch.GetTimestamp() - idleStart);
        log($"connections: {s.Visitors + held.Count:N0} held; messages at {s.HeldRate:0} msg/s for {s.HeldSeconds:0.#} s");
        await runner.RunAsync(kefu, "held", "h", s.HeldRate, s.HeldSeconds);
        var rssHeld = ProcStat.Memory(s.ServerPid).Rss;
        var dropped = hubs.Dropped - droppedBefore;

        await hubs.CloseAllAsync(held);
        return new ConnectionsResult
        {
            Target = s.Connections,
            ConnectConcurrency = s.ConnectConcurrency,
            Connected = s.Visitors + held.Count,
            Failed = failed,
            StoppedBecause = stoppedBecause,
            Seconds = rampSeconds,
            Batches = batches,
            Dropped = dropped,
            IdleServerCores = double.IsNaN(idleCores) ? null : idleCores,
            ServerRssBeforeKb = rssBefore,
            ServerRssHeldKb = rssHeld,
            ErrorSamples = [.. errors],
        };
    }

    /// <summary>The message rows in the server's SQLite database (read after the server stopped), and the failures it logged.</summary>
    public static ChatResult CountMessages(ChatResult result, string connectionString, string? serverLog)
    {
        if (serverLog is not null && File.Exists(serverLog))
        {
            var serving = File.ReadLines(serverLog).SkipWhile(l => !l.Contains("Application started", StringComparison.Ordinal)).ToList();
            result.ServerFailures = serving.Count(l => l.StartsWith("fail:", StringComparison.Ordinal));
            result.ServerFailureSamples = serving.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("fail:", StringComparison.Ordinal)).Take(3)
                .Select(x => string.Join(" ", serving.Skip(x.i).Take(3).Select(l => l.Trim()))).ToList();
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """SELECT COUNT(*) FROM "Messages" """;
        result.MessageRows = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        return result;
    }

    public static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static string Describe(Exception e) =>
        $"{e.GetType().Name}: {e.Message}" is var text && text.Length > 300 ? text[..300] + "…" : text;

    /// <summary>Builds hub connections that share one HTTP connection pool for negotiate (as a browser would per site).</summary>
    public sealed class HubFactory(Uri server) : IAsyncDisposable
    {
        private readonly HttpMessageInvoker negotiate = new(new SocketsHttpHandler { MaxConnectionsPerServer = 32, UseCookies = false });
        private readonly ConcurrentDictionary<HubConnection, bool> closing = new();
        private int dropped;

        public int Dropped => Volatile.Read(ref dropped);

        public ConcurrentQueue<string> DropSamples { get; } = new();

        public Uri Server => server;

        public HubConnection Build(string path, string? accessToken)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(server, path), HttpTransportType.WebSockets, o =>
                {
                    o.HttpMessageHandlerFactory = _ => new SharedHandler(negotiate);
                    if (accessToken is not null)
                    {
                        o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
                    }
                })
                .Build();
            connection.Closed += e =>
            {
                if (!closing.ContainsKey(connection))
                {
                    Interlocked.Increment(ref dropped);
                    if (DropSamples.Count < MaxErrorSamples)
                    {
                        DropSamples.Enqueue($"{path}: {(e is null ? "closed by the server" : Describe(e))}");
                    }
                }

                return Task.CompletedTask;
            };
            return connection;
        }

        /// <summary>Closes a connection on the load generator's side (not a drop).</summary>
        public async ValueTask CloseAsync(HubConnection connection)
        {
            closing[connection] = true;
            await connection.DisposeAsync();
        }

        public async Task CloseAllAsync(IEnumerable<HubConnection?> connections) =>
            await Parallel.ForEachAsync(connections.OfType<HubConnection>(), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (c, _) => await CloseAsync(c));

        public ValueTask DisposeAsync()
        {
            negotiate.Dispose();
            return ValueTask.CompletedTask;
        }

        /// <summary>Hands requests to the shared pool; disposing a connection's HttpClient leaves the pool alone.</summary>
        private sealed class SharedHandler(HttpMessageInvoker inner) : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
                inner.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>One way of carrying a chat: pair i is visitor i and agent i mod M.</summary>
    public abstract class ChatTarget : IAsyncDisposable
    {
        public abstract string Name { get; }

        /// <summary>Starts every message id of this target (Kefu visitors' ids may hold letters, digits, - and _).</summary>
        public abstract string Prefix { get; }

        public abstract int Pairs { get; }

        public abstract Task FromVisitorAsync(int pair, string id, string text);

        public abstract Task FromAgentAsync(int pair, string id, string text);

        public abstract ValueTask DisposeAsync();
    }

    private sealed record SentWire(Guid Id);

    private sealed record AgentMessageWire(string? ClientMessageId, string? AuthorKind);

    private sealed record VisitorMessageWire(string? From, string? Text);

    private sealed record SessionWire(long? Number);

    private sealed record StartWire(string Token, SessionWire Session);

    /// <summary>Kefu itself: the widget's hub for visitors, the agents' hub with API tokens, messages stored in the database.</summary>
    public sealed class KefuTarget : ChatTarget
    {
        private readonly HubFactory hubs;
        private readonly Tracker tracker;
        private readonly string inboxId;
        private readonly HubConnection[] visitors;
        private readonly HubConnection[] agents;
        private readonly Guid[] conversations;
        private long acknowledged;

        private KefuTarget(HubFactory hubs, Tracker tracker, string inboxId, int visitorCount, int agentCount)
        {
            this.hubs = hubs;
            this.tracker = tracker;
            this.inboxId = inboxId;
            visitors = new HubConnection[visitorCount];
            agents = new HubConnection[agentCount];
            conversations = new Guid[visitorCount];
        }

        public override string Name => "kefu";

        /// <summary>Agents' client ids are unique across the whole database: a run's own prefix keeps reruns apart.</summary>
        public override string Prefix { get; } = "k" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..2]);

        public override int Pairs => visitors.Length;

        /// <summary>Messages the hubs acknowledged (stored), first messages included.</summary>
        public long Acknowledged => Interlocked.Read(ref acknowledged);

        public static async Task<KefuTarget> SetUpAsync(ChatSettings s, HubFactory hubs, Tracker tracker, Action<string> log)
        {
            using var admin = await ApiLoad.SignInAsync(s.Server, s.Email, s.Password);
            var adminToken = await ApiLoad.CreateTokenAsync(admin, "bench-chat", TokenScopes);
            using var api = new HttpClient { BaseAddress = s.Server };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            // The inbox the demo page uses: the default "Website" inbox created at first start.
            var inbox = await api.GetFromJsonAsync<JsonElement>("/widget/default");
            var target = new KefuTarget(hubs, tracker, inbox.GetProperty("inboxId").GetString()!, s.Visitors, s.Agents);

            // M agents, each created by the admin, signed in with the cookie form, holding its own API token.
            var tag = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..3]);
            for (var a = 0; a < s.Agents; a++)
            {
                var email = $"bench.agent{a + 1}.{tag}@example.com";
                var password = "k1" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
                using var created = await admin.PostAsJsonAsync("/api/v1/agents",
                    new { email, displayName = $"Bench agent {a + 1}", role = "agent", language = "zh-CN", password });
                if (!created.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"POST /api/v1/agents: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
                }

                using var session = await ApiLoad.SignInAsync(s.Server, email, password);
                var token = await ApiLoad.CreateTokenAsync(session, "bench-chat", TokenScopes);
                var connection = hubs.Build("/hubs/agent", token);
                connection.On<Guid, AgentMessageWire>("message", (_, m) =>
                {
                    // A visitor's id comes back as stored: "chat:<session>:<id>".
                    if (m.AuthorKind == "customer" && m.ClientMessageId is { } stored)
                    {
                        tracker.Delivered(stored[(stored.LastIndexOf(':') + 1)..], toAgent: true);
                    }
                });
                await connection.StartAsync();
                target.agents[a] = connection;
            }

            log($"{s.Agents} agents connected to /hubs/agent");
            using var gate = new SemaphoreSlim(s.ConnectConcurrency);
            await Task.WhenAll(Enumerable.Range(0, s.Visitors).Select(async v =>
            {
                await gate.WaitAsync();
                try
                {
                    await target.OpenChatAsync(api, v);
                }
                finally
                {
                    gate.Release();
                }
            }));
            log($"{s.Visitors} visitors connected to /hubs/visitor, each in a chat joined by an agent");
            return target;
        }

        /// <summary>A visitor opens the widget, writes the first message; an agent joins the new chat.</summary>
        private async Task OpenChatAsync(HttpClient api, int v)
        {
            var connection = hubs.Build("/hubs/visitor", null);
            connection.On<VisitorMessageWire>("message", m =>
            {
                // The widget is not told agents' client ids (only its own): agent messages carry theirs as the first word.
                if (m.From == "agent" && m.Text is { } text && text.IndexOf(' ', StringComparison.Ordinal) is > 0 and var space)
                {
                    tracker.Delivered(text[..space], toAgent: false);
                }
            });
            await connection.StartAsync();
            visitors[v] = connection;
            await connection.InvokeAsync<StartWire>("Start", inboxId, null, Page(v), null, null);
            await connection.InvokeAsync<SentWire>("Send", $"first{v}", "您好，我想咨询一下订单的问题。", null);
            Interlocked.Increment(ref acknowledged);
            // The widget starts again on the next page: now the session names its conversation.
            var start = await connection.InvokeAsync<StartWire>("Start", inboxId, null, Page(v), null, null);
            var number = start.Session.Number ?? throw new InvalidOperationException($"visitor {v}: no conversation after the first message.");
            var detail = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{number}");
            conversations[v] = detail.GetProperty("conversation").GetProperty("id").GetGuid();
            await agents[v % agents.Length].InvokeAsync<JsonElement>("Join", conversations[v]);
        }

        /// <summary>A page view with the widget: connect and Start, nothing written (no chat yet).</summary>
        public async Task<HubConnection> ConnectIdleVisitorAsync(int n)
        {
            var connection = hubs.Build("/hubs/visitor", null);
            try
            {
                await connection.StartAsync();
                await connection.InvokeAsync<StartWire>("Start", inboxId, null, Page(n), null, null);
                return connection;
            }
            catch
            {
                await hubs.CloseAsync(connection);
                throw;
            }
        }

        private static object Page(int n) => new
        {
            url = $"https://shop.example.com/products/{n % 500}",
            title = "商品详情 - 示例商城",
            language = n % 3 == 0 ? "en" : "zh-CN",
        };

        public override async Task FromVisitorAsync(int pair, string id, string text)
        {
            await visitors[pair].InvokeAsync<SentWire>("Send", id, text, null);
            Interlocked.Increment(ref acknowledged);
        }

        public override async Task FromAgentAsync(int pair, string id, string text)
        {
            await agents[pair % agents.Length].InvokeAsync<SentWire>("Send", conversations[pair], id, $"{id} {text}", false);
            Interlocked.Increment(ref acknowledged);
        }

        public override async ValueTask DisposeAsync() => await hubs.CloseAllAsync(visitors.Concat(agents));
    }

    /// <summary>The ceiling: the same connections and message pattern on a bare SignalR hub in the same server process.</summary>
    public sealed class EchoTarget : ChatTarget
    {
        private readonly HubFactory hubs;
        private readonly HubConnection[] visitors;
        private readonly HubConnection[] agents;

        private EchoTarget(HubFactory hubs, int visitorCount, int agentCount)
        {
            this.hubs = hubs;
            visitors = new HubConnection[visitorCount];
            agents = new HubConnection[agentCount];
        }

        public override string Name => "echo";

        public override string Prefix => "e";

        public override int Pairs => visitors.Length;

        public static async Task<EchoTarget> SetUpAsync(ChatSettings s, HubFactory hubs, Tracker tracker)
        {
            var target = new EchoTarget(hubs, s.Visitors, s.Agents);
            // Payload "v:<id>|text" from a visitor, "a:<id>|text" from an agent; both ends of a pair get every broadcast.
            static string? Id(string payload, char from) =>
                payload.Length > 2 && payload[0] == from && payload.IndexOf('|') is > 2 and var bar ? payload[2..bar] : null;
            for (var a = 0; a < s.Agents; a++)
            {
                var connection = hubs.Build("/hubs/echo", null);
                connection.On<string>("echo", p =>
                {
                    if (Id(p, 'v') is { } id)
                    {
                        tracker.Delivered(id, toAgent: true);
                    }
                });
                await connection.StartAsync();
                target.agents[a] = connection;
            }

            using var gate = new SemaphoreSlim(s.ConnectConcurrency);
            await Task.WhenAll(Enumerable.Range(0, s.Visitors).Select(async v =>
            {
                await gate.WaitAsync();
                try
                {
                    var connection = hubs.Build("/hubs/echo", null);
                    connection.On<string>("echo", p =>
                    {
                        if (Id(p, 'a') is { } id)
                        {
                            tracker.Delivered(id, toAgent: false);
                        }
                    });
                    await connection.StartAsync();
                    target.visitors[v] = connection;
                    await connection.InvokeAsync("Join", Group(v));
                    await target.agents[v % target.agents.Length].InvokeAsync("Join", Group(v));
                }
                finally
                {
                    gate.Release();
                }
            }));
            return target;
        }

        private static string Group(int pair) => $"c{pair}";

        public override Task FromVisitorAsync(int pair, string id, string text) =>
            visitors[pair].InvokeAsync("Broadcast", Group(pair), $"v:{id}|{text}");

        public override Task FromAgentAsync(int pair, string id, string text) =>
            agents[pair % agents.Length].InvokeAsync("Broadcast", Group(pair), $"a:{id}|{text}");

        public override async ValueTask DisposeAsync() => await hubs.CloseAllAsync(visitors.Concat(agents));
    }

    /// <summary>A message on its way: sent by one side, expected by the other.</summary>
    public sealed class Flight(string id, bool fromVisitor, long planned, StepRun step)
    {
        public string Id { get; } = id;

        public bool FromVisitor { get; } = fromVisitor;

        public long Planned { get; } = planned;

        public StepRun Step { get; } = step;

        public long Sent { get; set; }

        // Guarded by the step's lock.
        public int Deliveries { get; set; }

        public bool Acked { get; set; }

        public bool Failed { get; set; }
    }

    /// <summary>Every message sent, by id, so the receiving side can time it.</summary>
    public sealed class Tracker
    {
        private readonly ConcurrentDictionary<string, Flight> flights = new();

        public void Add(Flight flight) => flights[flight.Id] = flight;

        public void Delivered(string id, bool toAgent)
        {
            var at = Stopwatch.GetTimestamp();
            if (flights.TryGetValue(id, out var flight) && flight.FromVisitor == toAgent)
            {
                flight.Step.Delivered(flight, at);
            }
        }
    }

    /// <summary>The counters and latencies of one step while it runs (and the late arrivals after it closed).</summary>
    public sealed class StepRun(long total)
    {
        private readonly Lock gate = new();
        private readonly List<double> toAgent = [], toVisitor = [], acks = [], lags = [];
        private readonly List<string> errorSamples = [];
        private long delivered, acked, errors, settledDelivery, settledAck, late, duplicates, lastDelivery;
        private bool closed;

        public long Total => total;

        public long Late { get { lock (gate) { return late; } } }

        public long Duplicates { get { lock (gate) { return duplicates; } } }

        public bool AllSettled { get { lock (gate) { return settledDelivery == total && settledAck == total; } } }

        public bool AcksSettled { get { lock (gate) { return settledAck == total; } } }

        public void SendStarted(Flight flight)
        {
            lock (gate)
            {
                lags.Add(Ms(flight.Sent - flight.Planned));
            }
        }

        public void Delivered(Flight flight, long at)
        {
            lock (gate)
            {
                if (++flight.Deliveries > 1)
                {
                    duplicates++;
                    return;
                }

                if (!flight.Failed)
                {
                    settledDelivery++;
                }

                if (closed)
                {
                    late++;
                    return;
                }

                delivered++;
                lastDelivery = Math.Max(lastDelivery, at);
                (flight.FromVisitor ? toAgent : toVisitor).Add(Ms(at - flight.Sent));
            }
        }

        public void Acked(Flight flight, long at)
        {
            lock (gate)
            {
                flight.Acked = true;
                settledAck++;
                if (!closed)
                {
                    acked++;
                    acks.Add(Ms(at - flight.Sent));
                }
            }
        }

        public void Failed(Flight flight, Exception e)
        {
            lock (gate)
            {
                flight.Failed = true;
                settledAck++;
                if (flight.Deliveries == 0)
                {
                    settledDelivery++;
                }

                errors++;
                if (errorSamples.Count < MaxErrorSamples)
                {
                    errorSamples.Add(Describe(e));
                }
            }
        }

        /// <summary>Freezes the step's figures: what arrives later is late.</summary>
        public ChatStep Close(string hub, string kind, double rate, double seconds, long begin, CpuUse? cpu, long? rss, double saturationShare)
        {
            lock (gate)
            {
                closed = true;
                var span = Math.Max(seconds, Seconds(lastDelivery - begin));
                var perSecond = delivered / span;
                var notDelivered = total - delivered - errors;
                return new ChatStep
                {
                    Hub = hub,
                    Kind = kind,
                    OfferedPerSecond = rate,
                    Seconds = seconds,
                    Sent = total,
                    Acknowledged = acked,
                    Delivered = delivered,
                    SendErrors = errors,
                    NotDelivered = Math.Max(0, notDelivered),
                    DeliveredPerSecond = perSecond,
                    Delivery = Latency.From(toAgent.Concat(toVisitor)),
                    VisitorToAgent = Latency.From(toAgent),
                    AgentToVisitor = Latency.From(toVisitor),
                    Ack = Latency.From(acks),
                    ScheduleLag = Latency.From(lags),
                    Cpu = cpu,
                    ServerRssKb = rss,
                    Saturated = errors + notDelivered > total * 0.01 || perSecond < rate * saturationShare,
                    ErrorSamples = [.. errorSamples],
                };
            }
        }
    }

    /// <summary>Runs open-loop steps: message k of a step is due at start + k / rate, whatever the answers before it.</summary>
    public sealed class StepRunner(ChatSettings s, Tracker tracker)
    {
        /// <summary>A step whose delivered rate falls under this share of the offered one ends the ramp.</summary>
        private const double SaturationShare = 0.9;

        private const double SettleSeconds = 2;

        private readonly List<(ChatStep Step, StepRun Run)> done = [];
        private readonly string[] texts = MakeTexts();

        public async Task<ChatStep> RunAsync(ChatTarget target, string kind, string label, double rate, double seconds)
        {
            var total = (long)Math.Round(rate * seconds);
            var run = new StepRun(total);
            var cpu = new CpuWindow(s.ServerPid);
            cpu.Start();
            var begin = Stopwatch.GetTimestamp();
            var interval = Stopwatch.Frequency / rate;
            long seq = 0;
            while (seq < total)
            {
                var due = Math.Min(total, (long)((Stopwatch.GetTimestamp() - begin) / interval) + 1);
                for (; seq < due; seq++)
                {
                    var flight = new Flight($"{target.Prefix}{label}x{seq}", (seq & 1) == 0, begin + (long)(seq * interval), run);
                    tracker.Add(flight);
                    _ = SendAsync(target, run, flight, (int)((seq >> 1) % target.Pairs), texts[seq % texts.Length]);
                }

                if (seq < total)
                {
                    await Task.Delay(1);
                }
            }

            var deadline = Math.Max(Stopwatch.GetTimestamp(), begin + (long)(seconds * Stopwatch.Frequency)) + (long)(s.DrainSeconds * Stopwatch.Frequency);
            while (!run.AllSettled && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(10);
            }

            var step = run.Close(target.Name, kind, rate, seconds, begin, cpu.Stop(), ProcStat.Memory(s.ServerPid).Rss, SaturationShare);
            // A saturated server still works through what it was sent: let it finish before the next step starts.
            var quiet = Stopwatch.GetTimestamp() + (long)(s.QuiesceSeconds * Stopwatch.Frequency);
            while (!run.AcksSettled && Stopwatch.GetTimestamp() < quiet)
            {
                await Task.Delay(50);
            }

            // A pause with nothing sent: what the server still does is the step's leftover work, and the next step
            // (often on the other hub) starts clean.
            var pauseStart = Stopwatch.GetTimestamp();
            var cpuBefore = ProcStat.ProcessCpuSeconds(s.ServerPid);
            await Task.Delay(TimeSpan.FromSeconds(SettleSeconds));
            var after = (ProcStat.ProcessCpuSeconds(s.ServerPid) - cpuBefore) / Seconds(Stopwatch.GetTimestamp() - pauseStart);
            step.ServerCoresAfter = double.IsNaN(after) ? null : after;
            if (kind != "warmup")
            {
                done.Add((step, run));
            }

            return step;
        }

        /// <summary>The recorded steps, with the late and duplicate arrivals counted up to now.</summary>
        public List<ChatStep> Finish()
        {
            foreach (var (step, run) in done)
            {
                step.Late = run.Late;
                step.Duplicates = run.Duplicates;
            }

            return done.Select(d => d.Step).ToList();
        }

        private static async Task SendAsync(ChatTarget target, StepRun run, Flight flight, int pair, string text)
        {
            flight.Sent = Stopwatch.GetTimestamp();
            run.SendStarted(flight);
            try
            {
                await (flight.FromVisitor ? target.FromVisitorAsync(pair, flight.Id, text) : target.FromAgentAsync(pair, flight.Id, text));
                run.Acked(flight, Stopwatch.GetTimestamp());
            }
            catch (Exception e)
            {
                run.Failed(flight, e);
            }
        }

        private static string[] MakeTexts()
        {
            var rng = new Random(42);
            return Enumerable.Range(0, 64).Select(_ => Texts.Message(rng)).ToArray();
        }
    }
}
