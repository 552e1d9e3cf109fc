using System.Globalization;
using System.Text;

namespace Kefu.Bench;

/// <summary>Turns the result of one chat run into the Markdown section of docs/benchmarks.md.</summary>
public static class ChatReport
{
    public const string Heading = "## Live chat: SignalR delivery";

    /// <summary>The issue's targets for one node on this 2-core machine, with SQLite.</summary>
    public const double TargetRate = 2000;

    public const double TargetP99Ms = 50;

    public const int TargetConnections = 10_000;

    public static string Summary(ChatResult r) => string.Join(Environment.NewLine, r.Steps.Select(s =>
        $"bench: chat {s.Hub} {s.OfferedPerSecond:0}/s: delivered {s.DeliveredPerSecond:0}/s p50 {Ms(s.Delivery.P50Ms)} ms p99 {Ms(s.Delivery.P99Ms)} ms " +
        $"max {Ms(s.Delivery.MaxMs)} ms errors {s.SendErrors} not delivered {s.NotDelivered}{(s.Saturated ? " (saturated)" : "")}"));

    /// <summary>A step kept up: (nearly) all delivered in time, at (nearly) the offered rate.</summary>
    public static bool KeptUp(ChatStep s) => !s.Saturated;

    public static bool MeetsTarget(ChatStep s) => KeptUp(s) && s.OfferedPerSecond >= TargetRate && s.Delivery.P99Ms < TargetP99Ms;

    public static string Section(ChatResult r, string? machineFile, string command)
    {
        var machine = machineFile is not null && File.Exists(machineFile)
            ? File.ReadAllLines(machineFile).Where(l => l.Contains(':')).Select(l => (Key: l[..l.IndexOf(':')].Trim(), Value: l[(l.IndexOf(':') + 1)..].Trim())).ToList()
            : [];
        var kefu = r.Steps.Where(s => s.Hub == "kefu").ToList();
        var echo = r.Steps.Where(s => s.Hub == "echo").ToList();
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');

        Line(Heading);
        Line();
        Line($"The live chat path end to end, through the real server process: {r.Visitors:N0} visitors connected to `/hubs/visitor` (the widget's");
        Line($"hub, the .NET SignalR client over WebSockets), each in its own chat conversation, and {r.Agents} agents connected to `/hubs/agent`");
        Line("(each created by the admin, signed in with the cookie form, holding its own API token); visitor *i*'s chat is joined by");
        Line($"agent *i* mod {r.Agents}. Messages are offered **open-loop** at a fixed rate whatever the answers (message *k* of a step is due at");
        Line("start + *k* / rate), half from visitors to agents (`VisitorHub.Send`) and half back (`AgentHub.Send`), spread round-robin over the");
        Line("chats. Each is timed from just before the hub call to the `message` event on the other side; for Kefu that includes storing it");
        Line("(SQLite, on a fresh data directory) before the push. The **ceiling** is the same number of connections and the same pattern on");
        Line("`/hubs/echo` in the same server process (`--Realtime:EchoHub=true`): `Join` a group per chat, `Broadcast` to it — SignalR with");
        Line("no Kefu work — run at each rate just before Kefu's step, so a noisy neighbour disturbs both alike. A hub's ramp stops after the");
        Line("first step it cannot keep up with (over 1 % not delivered in time, or delivered rate under 90 % of the offered one). The last");
        Line($"phase adds visitors that connect and `Start` (a page view with the widget) in batches up to {r.Connections?.Target ?? 0:N0}, holds them,");
        Line("and keeps messages flowing between the chatting visitors and agents meanwhile. Machines are shared and noisy: compare Kefu with");
        Line("the ceiling of the same run.");
        Line();
        Line($"- Command: `{command}`");
        foreach (var (_, value) in machine.Where(m => m.Key == "date"))
        {
            Line($"- Date: {value}");
        }

        Line($"- Run: {r.Visitors:N0} visitors and {r.Agents} agents; rates {string.Join(", ", r.Rates.Select(x => x.ToString("N0", CultureInfo.InvariantCulture)))} msg/s, " +
             $"{r.StepSeconds:0.#} s each after a {r.WarmupSeconds:0.#} s warm-up per hub (not counted), up to {r.DrainSeconds:0.#} s for the last messages of a step to arrive; " +
             $"set-up {r.SetupSeconds:0} s; the load generator ran {r.TotalSeconds / 60:0.0} min");
        Line($"- Server: the Release build output, SQLite, server GC; open files limit {r.ServerOpenFilesLimit ?? "?"} (soft / hard), the load generator's {r.GeneratorOpenFilesLimit ?? "?"}");
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
        Line("### Delivery at rising rates: Kefu against the SignalR ceiling");
        Line();
        Line("| offered msg/s | Kefu delivered/s | p50 ms | p99 ms | max ms | failed / not delivered | echo delivered/s | p50 ms | p99 ms | max ms | failed / not delivered | Kefu ÷ echo, delivered/s | Kefu ÷ echo, p99 |");
        Line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var rate in r.Rates)
        {
            var k = kefu.FirstOrDefault(s => s.OfferedPerSecond == rate);
            var e = echo.FirstOrDefault(s => s.OfferedPerSecond == rate);
            var ratio = k is not null && e is not null && e.DeliveredPerSecond > 0 ? Ratio(k.DeliveredPerSecond / e.DeliveredPerSecond) : "";
            // A saturated step's p99 is its backlog, not a latency worth a ratio.
            var p99Ratio = k is not null && e is not null && KeptUp(k) && KeptUp(e) && e.Delivery.P99Ms > 0 ? $"{k.Delivery.P99Ms / e.Delivery.P99Ms:0.#} ×" : "";
            Line($"| {rate:N0} | {Cells(k)} | {Cells(e)} | {ratio} | {p99Ratio} |");
        }

        Line();
        Line("\"Delivered/s\" counts messages that reached the other side within the step and its drain, divided by the time from the");
        Line("step's start to the last of them (at least the step's length). Latencies are over delivered messages; \"not run\": an");
        Line("earlier step already saturated that hub. Failed: the hub call threw; not delivered: neither failed nor arrived in time.");

        Line();
        Line("### Where the time and the CPU went (Kefu)");
        Line();
        Line("| offered msg/s | visitor → agent p50 / p99 ms | agent → visitor p50 / p99 ms | send acknowledged p50 / p99 ms | server CPU, cores | server CPU per message | echo: server CPU per message | server CPU in the 2 s after | load generator, cores | machine busy, cores | server RSS | generator behind schedule, p99 ms |");
        Line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var k in kefu)
        {
            var e = echo.FirstOrDefault(s => s.OfferedPerSecond == k.OfferedPerSecond);
            var c = k.Cpu;
            Line($"| {k.OfferedPerSecond:N0} | {Ms(k.VisitorToAgent.P50Ms)} / {Ms(k.VisitorToAgent.P99Ms)} | {Ms(k.AgentToVisitor.P50Ms)} / {Ms(k.AgentToVisitor.P99Ms)} | " +
                 $"{Ms(k.Ack.P50Ms)} / {Ms(k.Ack.P99Ms)} | {Cores(c, c?.Server)} | {CpuPer(c?.Server, k.Delivered + k.NotDelivered)} | " +
                 $"{(e is null ? "–" : CpuPer(e.Cpu?.Server, e.Delivered + e.NotDelivered))} | {(k.ServerCoresAfter is { } after ? after.ToString("0.00", CultureInfo.InvariantCulture) : "–")} | {Cores(c, c?.LoadGenerator)} | {Cores(c, c?.MachineBusy)} | {Mib(k.ServerRssKb)} | {Ms(k.ScheduleLag.P99Ms)} |");
        }

        Line();
        Line($"CPU from /proc over each step and its drain (the machine has {kefu.Concat(echo).Select(s => s.Cpu?.Cores).FirstOrDefault(x => x is not null) ?? 2} cores). \"Send acknowledged\" is the sender's round trip: the");
        Line("hub method returns after the message is stored and pushed. CPU per message divides the server's CPU by the messages sent in");
        Line("the step. \"Machine busy\" includes the load generator and anything else running (other tenants). \"Generator behind");
        Line("schedule\" is how late the load generator made its calls against the open-loop schedule (it shares the cores). \"In the");
        Line("2 s after\": the server's CPU in a pause after the step, when nothing is sent: work the step left behind (the chat queue");
        Line("watcher's backlog, garbage collection, JIT).");

        Line();
        Line($"### {TargetConnections:N0} connected visitors on one node");
        Line();
        if (r.Connections is { } conn)
        {
            var perConnection = conn.ServerRssHeldKb is { } held && conn.ServerRssBeforeKb is { } before && conn.Connected > r.Visitors
                ? $" (≈ {(held - before) / (double)(conn.Connected - r.Visitors):0} KiB per added connection)"
                : "";
            Line($"- Reached **{conn.Connected:N0}** of {conn.Target:N0} visitors connected and started at once in {conn.Seconds:0.0} s " +
                 $"({conn.Batches.Count} {(conn.Batches.Count == 1 ? "batch" : "batches")} of up to {conn.Batches.Select(b => b.Attempted).DefaultIfEmpty(0).Max()}, {conn.ConnectConcurrency} connecting at a time); " +
                 $"{conn.Failed} connections failed, {conn.Dropped} dropped while held." + (conn.StoppedBecause is { } why ? $" The ramp stopped: {why}" : ""));
            Line($"- Server memory: RSS {Mib(conn.ServerRssBeforeKb)} before the ramp, {Mib(conn.ServerRssHeldKb)} holding them with messages flowing{perConnection}; " +
                 $"peak over the whole run {Mib(r.ServerPeakRssKb)} (idle after start-up: {Mib(r.ServerIdleRssKb)}).");
            if (conn.IdleServerCores is { } idle)
            {
                Line($"- Holding them costs the server {idle:0.00} cores with no messages at all (5 s sampled: SignalR keep-alive pings both ways every 15 s, timers).");
            }

            if (conn.Held is { } h)
            {
                Line($"- Meanwhile {h.OfferedPerSecond:N0} msg/s for {h.Seconds:0} s between the {r.Visitors:N0} chatting visitors and the agents: delivered {h.DeliveredPerSecond:N0}/s, " +
                     $"p50 {Ms(h.Delivery.P50Ms)} ms, p99 **{Ms(h.Delivery.P99Ms)} ms**, max {Ms(h.Delivery.MaxMs)} ms, {h.SendErrors} failed, {h.NotDelivered} not delivered " +
                     $"(server {Cores(h.Cpu, h.Cpu?.Server)} cores, machine {Cores(h.Cpu, h.Cpu?.MachineBusy)} busy).");
            }

            Line();
            Line("| visitors held | seconds since the ramp began | failed in batch | server RSS | server open files | server CPU for the batch | load generator RSS |");
            Line("|---:|---:|---:|---:|---:|---:|---:|");
            var every = Math.Max(1, conn.Batches.Count / 10);
            foreach (var b in conn.Batches.Where((b, i) => i % every == every - 1 || i == conn.Batches.Count - 1 || b.Failed > 0).Distinct())
            {
                Line($"| {b.Visitors:N0} | {b.ElapsedSeconds:0.0} | {b.Failed} | {Mib(b.ServerRssKb)} | {b.ServerFds?.ToString("N0", CultureInfo.InvariantCulture) ?? "–"} | {b.ServerCpuSeconds:0.00} s | {Mib(b.GeneratorRssKb)} |");
            }

            foreach (var e in conn.ErrorSamples.Take(3))
            {
                Line();
                Line($"- connect error: `{Clean(e)}`");
            }
        }
        else
        {
            Line("Not run (CHAT_CONNECTIONS=0).");
        }

        Line();
        Line("### The targets");
        Line();
        var best = kefu.Where(s => KeptUp(s) && s.Delivery.P99Ms < TargetP99Ms).MaxBy(s => s.OfferedPerSecond);
        var bestKeptUp = kefu.Where(KeptUp).MaxBy(s => s.OfferedPerSecond);
        var atTarget = kefu.FirstOrDefault(s => s.OfferedPerSecond >= TargetRate);
        var firstSaturated = kefu.FirstOrDefault(s => s.Saturated);
        var rateMet = kefu.Any(MeetsTarget);
        var rateResult = new StringBuilder();
        rateResult.Append(best is null
            ? $"no step kept p99 under {TargetP99Ms:0} ms"
            : $"p99 under {TargetP99Ms:0} ms up to {best.OfferedPerSecond:N0} msg/s (p99 {Ms(best.Delivery.P99Ms)} ms)");
        if (bestKeptUp is not null && bestKeptUp != best)
        {
            rateResult.Append(CultureInfo.InvariantCulture, $"; kept up to {bestKeptUp.OfferedPerSecond:N0} msg/s with p99 {Ms(bestKeptUp.Delivery.P99Ms)} ms");
        }

        if (firstSaturated is not null)
        {
            rateResult.Append(CultureInfo.InvariantCulture, $"; saturated at {firstSaturated.OfferedPerSecond:N0} msg/s offered (delivered {firstSaturated.DeliveredPerSecond:N0}/s, p99 {Ms(firstSaturated.Delivery.P99Ms)} ms)");
        }

        if (atTarget is null && firstSaturated is not null)
        {
            rateResult.Append(CultureInfo.InvariantCulture, $"; {TargetRate:N0} msg/s not run");
        }

        var echoAtTarget = echo.FirstOrDefault(s => s.OfferedPerSecond >= TargetRate);
        var connectionsMet = r.Connections is { } cr && cr.Connected >= TargetConnections && cr.Dropped == 0 && cr.Held is { Saturated: false };
        Line("| target | result | met |");
        Line("|---|---|---|");
        Line($"| {TargetRate:N0} messages/s with p99 under {TargetP99Ms:0} ms, SQLite, this 2-core machine | {rateResult} | **{(rateMet ? "yes" : "no")}** |");
        if (echoAtTarget is not null)
        {
            Line($"| (the same for the bare echo hub: the ceiling) | {echoAtTarget.OfferedPerSecond:N0} msg/s offered: delivered {echoAtTarget.DeliveredPerSecond:N0}/s, p99 {Ms(echoAtTarget.Delivery.P99Ms)} ms | {(MeetsTarget(echoAtTarget) ? "yes" : "no")} |");
        }

        if (r.Connections is { } c2)
        {
            Line($"| {TargetConnections:N0} concurrently connected visitors on one node | {c2.Connected:N0} connected, {c2.Failed} failed, {c2.Dropped} dropped; " +
                 $"{c2.Held?.OfferedPerSecond ?? 0:N0} msg/s meanwhile with p99 {Ms(c2.Held?.Delivery.P99Ms ?? 0)} ms | **{(connectionsMet ? "yes" : "no")}** |");
        }

        Line();
        Line("### Messages stored, lost, duplicated");
        Line();
        var lost = r.Steps.Concat(r.Connections?.Held is { } hh ? [hh] : []).ToList();
        Line($"- The hubs acknowledged {r.KefuAcknowledged:N0} Kefu messages (first messages, warm-up and the held phase included); the database held " +
             $"{(r.MessageRows is { } rows ? rows.ToString("N0", CultureInfo.InvariantCulture) : "–")} message rows afterwards" +
             (r.MessageRows is { } m && m == r.KefuAcknowledged ? " — the same." : r.MessageRows is null ? "." : " — **they differ**: a stored message that was not acknowledged (a send still in flight when the run ended, or a failed call that had stored it) or an acknowledged one that was lost."));
        Line($"- Delivered twice: {lost.Sum(s => s.Duplicates)}; arrived after their step's drain: {lost.Sum(s => s.Late):N0}; hub calls that failed: {lost.Sum(s => s.SendErrors):N0}; " +
             $"connections dropped during the whole run: {r.Dropped}.");
        foreach (var sample in lost.SelectMany(s => s.ErrorSamples.Select(e => (s, e))).Take(3))
        {
            Line($"  - {sample.s.Hub} at {sample.s.OfferedPerSecond:N0} msg/s: `{Clean(sample.e)}`");
        }

        foreach (var d in r.DropSamples.Take(3))
        {
            Line($"  - dropped: `{Clean(d)}`");
        }

        Line($"- The server logged {r.ServerFailures?.ToString(CultureInfo.InvariantCulture) ?? "?"} failures (`fail:`) while serving.");
        foreach (var f in r.ServerFailureSamples.Take(2))
        {
            Line($"  - `{Clean(f)}`");
        }

        Line();
        Line("### What the numbers say");
        Line();
        foreach (var line in Interpretation(r, kefu, echo))
        {
            Line(line);
        }

        return md.ToString().TrimEnd('\n') + "\n";
    }

    private static IEnumerable<string> Interpretation(ChatResult r, List<ChatStep> kefu, List<ChatStep> echo)
    {
        var keptUp = kefu.Where(KeptUp).MaxBy(s => s.OfferedPerSecond);
        var saturated = kefu.FirstOrDefault(s => s.Saturated);
        var echoTop = echo.Where(KeptUp).MaxBy(s => s.OfferedPerSecond);
        if (keptUp is not null)
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture,
                $"- **Kefu** kept up with {keptUp.OfferedPerSecond:N0} messages/s (p50 {Ms(keptUp.Delivery.P50Ms)} ms, p99 {Ms(keptUp.Delivery.P99Ms)} ms)");
            text.Append(saturated is null
                ? $", the highest rate offered."
                : $" and saturated at {saturated.OfferedPerSecond:N0}: it delivered {saturated.DeliveredPerSecond:N0}/s and the backlog pushed p50 to {Ms(saturated.Delivery.P50Ms)} ms.");
            if (echoTop is not null)
            {
                text.Append(
                    $" The bare echo hub on the same connections kept up with {echoTop.OfferedPerSecond:N0} msg/s (p99 {Ms(echoTop.Delivery.P99Ms)} ms){(echo.Any(s => s.Saturated) ? "" : ", the highest rate offered")}: " +
                    "SignalR and the WebSocket transport are not what limits Kefu here.");
            }

            yield return text.ToString();
        }

        if (saturated?.Cpu is { } sc)
        {
            var busy = sc.MachineBusy / sc.WallSeconds;
            var server = sc.Server / sc.WallSeconds;
            var writes = saturated.DeliveredPerSecond * 1.5;
            yield return busy < sc.Cores - 0.3
                ? $"- **What limits it is not the CPU:** while Kefu fell behind at {saturated.OfferedPerSecond:N0} msg/s the server used {server:0.00} cores and the " +
                  $"whole machine {busy:0.00} of its {sc.Cores} (about {sc.Cores - busy:0.0} idle). Messages queued for SQLite's single write lock: a visitor's " +
                  "message is one write transaction, an agent's reply two (the message, then the chat queue watcher's read mark on the chat session), so " +
                  $"{saturated.DeliveredPerSecond:N0} messages/s are about {writes:N0} write transactions/s, each holding the lock from BEGIN IMMEDIATE across " +
                  "several EF Core round trips (the conversation load, the idempotency look-up, the INSERTs and the UPDATE) to COMMIT. Writers that find the " +
                  "lock taken sleep in SQLite's busy handler (1, 2, 5, 10 … up to 100 ms between tries) instead of queueing, so the lock also sits free " +
                  "while the next writer sleeps, and as Microsoft.Data.Sqlite's async calls run synchronously each sleeping writer holds a thread-pool " +
                  "thread meanwhile. Queueing Kefu's SQLite writes in the process (one writer at a time, awaited, not polled), folding the queue watcher's read " +
                  "marks per chat, and holding the lock for fewer round trips are the levers; PostgreSQL (row locks, group commit) is the other."
                : $"- **What limits it is the CPU:** while Kefu fell behind at {saturated.OfferedPerSecond:N0} msg/s the machine's {sc.Cores} cores were " +
                  $"{busy:0.00} busy ({server:0.00} of them the server's).";
        }

        var perMessage = kefu.Where(s => s.Cpu is not null && s.Delivered > 0).Select(s => (s, ms: s.Cpu!.Server / (s.Delivered + s.NotDelivered) * 1000)).ToList();
        if (perMessage.Count > 0)
        {
            var busiest = perMessage.Where(p => KeptUp(p.s)).DefaultIfEmpty(perMessage[0]).MaxBy(p => p.s.OfferedPerSecond);
            var kefuMs = busiest.ms;
            var twin = echo.FirstOrDefault(e => e.OfferedPerSecond == busiest.s.OfferedPerSecond && e.Cpu is not null && e.Delivered > 0);
            var echoMs = twin is null ? double.NaN : twin.Cpu!.Server / (twin.Delivered + twin.NotDelivered) * 1000;
            var cores = TargetRate * kefuMs / 1000;
            yield return $"- **Where the CPU goes:** at {busiest.s.OfferedPerSecond:N0} msg/s the server spent {kefuMs:0.00} ms of CPU per Kefu message" +
                (double.IsNaN(echoMs) ? "" : $" against {echoMs:0.000} ms per echo message at the same rate ({kefuMs / echoMs:0} ×)") +
                $", and a Kefu send was acknowledged only after it was stored (ack p50 {Ms(busiest.s.Ack.P50Ms)} ms " +
                $"against {Ms(busiest.s.Delivery.P50Ms)} ms to the other side: the push itself adds little). The difference is the work inside the hub " +
                "methods. Counted once from EF Core's command log (when this benchmark was added), a visitor's message runs 12 SQL commands: the " +
                "inbox, the chat session, the idempotency look-up by client message id (twice: in the chat layer and again in the conversation " +
                "append), the merge check, the conversation (twice: to choose it, then under the write lock), INSERT activity + UPDATE conversation + " +
                "INSERT message in one write transaction, and the conversation and its customer's name re-read for the event. An agent's reply " +
                "runs 11 (the agent and the conversation for the access check, the conversation under the lock, the idempotency look-up, 1–3 " +
                "activity rows, UPDATE conversation, INSERT message, the re-read), and then the chat queue watcher runs 4 more for it: it loads the " +
                "chat session, marks the visitor's messages read (an UPDATE: a second write transaction per reply) and re-reads the inbox and its " +
                "waiting queue. All of it through EF Core on SQLite (every connection open re-runs Kefu's PRAGMAs), with JSON on both hubs; the " +
                $"echo hub does none of it. At that cost {TargetRate:N0} msg/s would need about {cores:0.0} cores for the server alone, before the load generator" +
                (saturated is null ? "." : $" — and, on SQLite, about {TargetRate * 1.5:N0} write transactions a second, {TargetRate / saturated.DeliveredPerSecond:0.#} × what it managed here.");
        }

        if (keptUp is not null && keptUp.Delivery.P99Ms > keptUp.Delivery.P50Ms * 5)
        {
            yield return $"- **The tail:** at {keptUp.OfferedPerSecond:N0} msg/s p99 is {keptUp.Delivery.P99Ms / Math.Max(0.01, keptUp.Delivery.P50Ms):0} × p50 and equals the ack's p99 " +
                $"({Ms(keptUp.Ack.P99Ms)} ms): slow messages were slow to be stored. SQLite takes one writer at a time and Kefu writes every message in " +
                "its own transaction; concurrent senders (one per hub connection) wait for the write lock in SQLite's busy handler, which sleeps and " +
                "retries rather than queueing, so some wait many times longer than the median.";
        }

        if (r.Connections is { } c)
        {
            var limit = r.ServerOpenFilesLimit?.Split(' ')[0];
            yield return $"- **Connections:** {c.Connected:N0} visitors were held by one server process. Each is one WebSocket, so one file descriptor " +
                $"(the server's open files grew by one per connection): the open-files limit ({limit ?? "?"} per process here, for the load generator as " +
                "well) caps a node a little below it unless raised — raising the hard limit needs root with CAP_SYS_RESOURCE or a service manager's " +
                "LimitNOFILE. A visitor that only " +
                "connects and starts writes nothing (no session until it chats), so the ramp costs mostly CPU for the WebSocket handshakes, negotiate " +
                "and the Start look-ups; held, they cost memory and keep-alive pings." + (c.Held is { } h && kefu.FirstOrDefault(s => s.OfferedPerSecond == h.OfferedPerSecond) is { } same
                    ? $" Messages kept flowing while they were held: p50 {Ms(h.Delivery.P50Ms)} ms and p99 {Ms(h.Delivery.P99Ms)} ms at {h.OfferedPerSecond:N0} msg/s, against " +
                      $"{Ms(same.Delivery.P50Ms)} ms and {Ms(same.Delivery.P99Ms)} ms in the step at the same rate without them" +
                      (h.Delivery.P99Ms > same.Delivery.P99Ms * 2
                          ? " — a longer tail, not investigated further; the likeliest causes are garbage collection over the larger heap and the keep-alive " +
                            "traffic of all the connections on the same two cores."
                          : ".")
                    : "");
        }

        var noisy = kefu.Concat(echo).Where(s => s.Cpu is { } cpu && cpu.Other / cpu.WallSeconds > 0.5).ToList();
        if (noisy.Count > 0)
        {
            yield return $"- **Noise:** in {noisy.Count} of {kefu.Count + echo.Count} steps other work on the machine used more than half a core " +
                $"(up to {noisy.Max(s => s.Cpu!.Other / s.Cpu.WallSeconds):0.00} cores beside the server and the load generator): absolute numbers from this run are " +
                "depressed by it; the Kefu ÷ echo ratios and the server's CPU per message are the figures least affected.";
        }

        yield return "- The load generator (up to about 10,200 SignalR client connections), the server and SQLite share the same two cores, so these " +
            "figures are a floor for a machine where they do not; the generator's own CPU is in the table above.";
    }

    private static string Cells(ChatStep? s) => s is null
        ? "not run | – | – | – | –"
        : $"{(KeptUp(s) ? "" : "⚠ ")}{s.DeliveredPerSecond:N0} | {Ms(s.Delivery.P50Ms)} | {Ms(s.Delivery.P99Ms)} | {Ms(s.Delivery.MaxMs)} | {s.SendErrors} / {s.NotDelivered}";

    private static string Clean(string text) => text.ReplaceLineEndings(" ").Replace('`', '\'');

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "0.00" : ms < 1000 ? "0.0" : "N0", CultureInfo.InvariantCulture);

    private static string Ratio(double r) => r.ToString(r < 0.1 ? "0.000" : "0.00", CultureInfo.InvariantCulture);

    private static string Cores(CpuUse? c, double? seconds) => c is null || seconds is null || double.IsNaN(seconds.Value) ? "–" : (seconds.Value / c.WallSeconds).ToString("0.00", CultureInfo.InvariantCulture);

    private static string CpuPer(double? cpuSeconds, long messages) =>
        cpuSeconds is not { } s || double.IsNaN(s) || messages <= 0 ? "–" : s / messages * 1000 is var ms && ms >= 1 ? $"{ms:0.00} ms" : $"{ms * 1000:0} µs";

    private static string Mib(long? kb) => kb is { } k ? $"{k / 1024.0:N0} MiB" : "–";
}
