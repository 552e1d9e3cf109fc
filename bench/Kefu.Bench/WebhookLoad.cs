using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Kefu.Core.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Kefu.Bench;

public sealed record WebhookSettings(
    Uri Server, string Email, string Password, string Database, int Subscriptions = 5, int Messages = 2000, int Workers = 16,
    int Concurrency = 8, double CeilingSeconds = 10, double TimeoutSeconds = 600);

public sealed record WebhookResult(
    string Database, int Subscriptions, int Messages, int Expected, int Received, int Distinct, int BadSignatures, double ProduceSeconds,
    double MessagesPerSecond, double DrainSeconds, double DeliveriesPerSecond, double CeilingPostsPerSecond, int CeilingConcurrency,
    double LatencyP50Ms, double LatencyP99Ms, int BodyBytes, int BacklogAtEnd, double BacklogPerSecond)
{
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));

    public static WebhookResult? Load(string path) => File.Exists(path) ? JsonSerializer.Deserialize<WebhookResult>(File.ReadAllText(path)) : null;
}

/// <summary>
/// Webhook delivery throughput. A receiver (Kestrel on 127.0.0.1, answers 204, checks every signature) is first
/// hit with plain signed POSTs from this process at the job worker's concurrency: the ceiling. Then Kefu gets K
/// subscriptions to message.created on that receiver and N notes through the API, i.e. N×K deliveries written to
/// the outbox with the notes; the rate is the receiver's arrivals between the first and the last delivery.
/// </summary>
public static class WebhookLoad
{
    public static async Task<WebhookResult> RunAsync(WebhookSettings s)
    {
        await using var receiver = await Receiver.StartAsync();
        var body = SampleBody();
        var ceiling = await CeilingAsync(receiver, body, s.Concurrency, s.CeilingSeconds);
        Console.Error.WriteLine($"bench: ceiling {ceiling:0} signed POSTs/s ({s.Concurrency} concurrent) to the receiver");
        receiver.Reset();

        using var signedIn = await ApiLoad.SignInAsync(s.Server, s.Email, s.Password);
        var token = await ApiLoad.CreateTokenAsync(signedIn, "bench-webhooks", ["conversations:read", "conversations:write", "customers:read", "customers:write", "admin"]);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = s.Workers }) { BaseAddress = s.Server, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var subscriptions = new List<(Guid Id, string Secret)>();
        for (var i = 0; i < s.Subscriptions; i++)
        {
            using var created = await http.PostAsJsonAsync("/api/v1/webhooks", new { name = $"bench {i}", url = $"{receiver.Url}/hook/{i}", eventTypes = new[] { "message.created" } });
            created.EnsureSuccessStatusCode();
            var json = await created.Content.ReadFromJsonAsync<JsonElement>();
            subscriptions.Add((json.GetProperty("id").GetGuid(), json.GetProperty("secret").GetString()!));
        }

        receiver.Secrets = subscriptions.Select(x => x.Secret).ToList();
        var conversations = new List<Guid>();
        for (var w = 0; w < s.Workers; w++)
        {
            // Conversations are created before the clock starts; their own events are not counted.
            using var c = await http.PostAsJsonAsync("/api/v1/conversations", new
            {
                channel = "api", customer = new { kind = "email", value = $"webhook-bench-{w}-{Guid.NewGuid():N}@bench.test" },
                message = new { kind = "inbound", text = "webhook bench" },
            });
            c.EnsureSuccessStatusCode();
            conversations.Add((await c.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversation").GetProperty("id").GetGuid());
        }

        // Let the deliveries of the set-up drain, then count only the notes' deliveries.
        await receiver.WaitQuietAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60));
        receiver.Reset();

        var next = -1;
        var produce = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, s.Workers).Select(async w =>
        {
            while (Interlocked.Increment(ref next) < s.Messages)
            {
                using var r = await http.PostAsJsonAsync($"/api/v1/conversations/{conversations[w]}/messages", new { kind = "note", text = $"note {next} 备注 {Guid.NewGuid():N}" });
                r.EnsureSuccessStatusCode();
            }
        }));
        produce.Stop();
        var producedAt = Stopwatch.GetTimestamp();
        var expected = s.Messages * s.Subscriptions;
        Console.Error.WriteLine($"bench: {s.Messages} notes in {produce.Elapsed.TotalSeconds:0.0} s ({s.Messages / produce.Elapsed.TotalSeconds:0}/s); waiting for {expected} deliveries");
        var deadline = Stopwatch.StartNew();
        while (receiver.Count < expected && deadline.Elapsed.TotalSeconds < s.TimeoutSeconds)
        {
            await Task.Delay(100);
        }

        foreach (var (id, _) in subscriptions)
        {
            using var _ = await http.DeleteAsync($"/api/v1/webhooks/{id}");
        }

        var arrivals = receiver.Arrivals;
        var drain = arrivals.Count > 1 ? (arrivals[^1].At - arrivals[0].At) / (double)Stopwatch.Frequency : 0;
        // After the last note: the worker alone drains what is left, with no API load beside it.
        var after = arrivals.Where(a => a.At > producedAt).ToList();
        var backlogSeconds = after.Count > 1 ? (after[^1].At - producedAt) / (double)Stopwatch.Frequency : 0;
        var latencies = arrivals.Select(a => a.LatencyMs).Where(l => l >= 0).Order().ToList();
        double Pct(double p) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
        return new WebhookResult(
            s.Database, s.Subscriptions, s.Messages, expected, arrivals.Count, arrivals.Select(a => a.Id).Distinct().Count(), receiver.BadSignatures,
            produce.Elapsed.TotalSeconds, s.Messages / produce.Elapsed.TotalSeconds, drain, drain > 0 ? (arrivals.Count - 1) / drain : 0, ceiling, s.Concurrency,
            Pct(0.5), Pct(0.99), receiver.MeanBodyBytes, after.Count, backlogSeconds > 0 ? after.Count / backlogSeconds : 0);
    }

    /// <summary>The ceiling: the same kind of signed POST, straight from a client at the worker's concurrency.</summary>
    private static async Task<double> CeilingAsync(Receiver receiver, string body, int concurrency, double seconds)
    {
        var secret = StandardWebhook.NewSecret(new byte[32]);
        receiver.Secrets = [secret];
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, AllowAutoRedirect = false });
        var bytes = Encoding.UTF8.GetBytes(body);
        var stop = Stopwatch.StartNew();
        var count = 0L;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                var id = $"msg_{Guid.NewGuid():N}";
                var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url + "/hook/ceiling") { Content = new ByteArrayContent(bytes) };
                request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
                request.Headers.TryAddWithoutValidation("webhook-id", id);
                request.Headers.TryAddWithoutValidation("webhook-timestamp", ts.ToString(CultureInfo.InvariantCulture));
                request.Headers.TryAddWithoutValidation("webhook-signature", StandardWebhook.Sign(secret, id, ts, bytes));
                using var response = await client.SendAsync(request);
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref count);
            }
        }));
        return count / stop.Elapsed.TotalSeconds;
    }

    private static string SampleBody() => JsonSerializer.Serialize(new
    {
        type = "message.created",
        timestamp = DateTimeOffset.UtcNow,
        data = new
        {
            conversation = new
            {
                id = Guid.NewGuid(), number = 10042, display = "#10042", channel = "api", subject = "webhook bench", status = "new", priority = "normal",
                categoryId = (Guid?)null, tags = Array.Empty<string>(), customerId = Guid.NewGuid(), customerName = "webhook-bench@bench.test",
                createdAt = DateTimeOffset.UtcNow, updatedAt = DateTimeOffset.UtcNow, lastMessageAt = DateTimeOffset.UtcNow, messageCount = 12, version = 13,
            },
            message = new { id = Guid.NewGuid(), conversationId = Guid.NewGuid(), kind = "note", authorKind = "agent", authorId = Guid.NewGuid(), text = "note 1 备注 " + Guid.NewGuid().ToString("N"), attachments = Array.Empty<object>(), createdAt = DateTimeOffset.UtcNow },
            actor = new { kind = "integration", id = Guid.NewGuid(), name = "admin (bench-webhooks)" },
        },
    });

    public static string Section(string results, string? machineFile, string command)
    {
        var rows = new[] { "sqlite", "postgres" }.Select(db => WebhookResult.Load(Path.Combine(results, $"{db}-webhooks.json"))).OfType<WebhookResult>().ToList();
        var text = new StringBuilder();
        text.AppendLine(Heading).AppendLine();
        text.AppendLine($"Command: `{command}`").AppendLine();
        if (machineFile is not null && File.Exists(machineFile))
        {
            foreach (var line in File.ReadAllLines(machineFile))
            {
                text.AppendLine($"- {line}");
            }

            text.AppendLine();
        }

        text.AppendLine("Kefu's job worker sends every delivery as a signed POST (Standard Webhooks headers, HMAC-SHA256) to a local receiver (Kestrel on 127.0.0.1, answers 204, verifies every signature); the receiver counts arrivals. " +
            "The workload: K subscriptions to `message.created`, then N internal notes through the HTTP API (16 workers), so N×K deliveries are written to the outbox in the notes' transactions. " +
            "Deliveries/s (whole run) is the receiver's arrival rate from the first to the last delivery, while the API load competes for the same two cores and database; deliveries/s (backlog) counts only what arrived after the last note was saved, over the time from then to the last delivery: the worker alone. The ceiling, measured in the same run before Kefu's load, is the same receiver hit with equally signed POSTs of a delivery-sized body straight from a client at the worker's concurrency.")
            .AppendLine();
        text.AppendLine("| database | subscriptions × notes | deliveries received (distinct ids) | bad signatures | notes/s (API) | deliveries/s (whole run) | deliveries/s (backlog after the last note) | ceiling: signed POSTs/s | ratio (backlog ÷ ceiling) | latency p50 / p99 (note saved → received) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Database} | {r.Subscriptions} × {r.Messages} | {r.Received} of {r.Expected} ({r.Distinct}) | {r.BadSignatures} | {r.MessagesPerSecond:0} | {r.DeliveriesPerSecond:0} | **{r.BacklogPerSecond:0}** ({r.BacklogAtEnd} left) | {r.CeilingPostsPerSecond:0} ({r.CeilingConcurrency} concurrent) | {r.BacklogPerSecond / r.CeilingPostsPerSecond:0.000} | {r.LatencyP50Ms / 1000:0.0} s / {r.LatencyP99Ms / 1000:0.0} s |"));
        }

        text.AppendLine();
        text.AppendLine("Latency here is backlog: all notes are written first (much faster than they are delivered), so the last delivery waits for every one before it. " +
            "Each delivery costs Kefu more than the raw POST: the worker claims a batch of jobs (Jobs:Concurrency, default 8) in one statement, reads the delivery and its subscription, signs, POSTs, " +
            "then writes an attempt row, the delivery's status and the job's outcome: three to four database writes per delivery, on one SQLite writer or a PostgreSQL connection each. " +
            "More nodes, or a higher Jobs:Concurrency, add senders.");
        return text.ToString();
    }

    public const string Heading = "## Webhook deliveries";

    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication app;
        private ConcurrentQueue<Arrival> arrivals = new();
        private long bodyBytes;
        private int bad;

        private Receiver(WebApplication app) => this.app = app;

        public IReadOnlyList<string> Secrets { get; set; } = [];

        public string Url => app.Urls.First().TrimEnd('/');

        public int Count => arrivals.Count;

        public int BadSignatures => bad;

        public int MeanBodyBytes => arrivals.IsEmpty ? 0 : (int)(bodyBytes / arrivals.Count);

        public List<Arrival> Arrivals => arrivals.OrderBy(a => a.At).ToList();

        public void Reset()
        {
            arrivals = new();
            bodyBytes = 0;
            bad = 0;
        }

        public async Task WaitQuietAsync(TimeSpan quiet, TimeSpan max)
        {
            var total = Stopwatch.StartNew();
            var last = -1;
            var still = Stopwatch.StartNew();
            while (total.Elapsed < max)
            {
                await Task.Delay(100);
                if (arrivals.Count != last)
                {
                    last = arrivals.Count;
                    still.Restart();
                }
                else if (still.Elapsed >= quiet)
                {
                    return;
                }
            }
        }

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            var receiver = new Receiver(builder.Build());
            receiver.app.MapPost("/hook/{name}", async (HttpContext http) =>
            {
                using var buffer = new MemoryStream();
                await http.Request.Body.CopyToAsync(buffer);
                var body = buffer.ToArray();
                var h = http.Request.Headers;
                var now = DateTimeOffset.UtcNow;
                if (StandardWebhook.Verify(receiver.Secrets, h["webhook-id"], h["webhook-timestamp"], h["webhook-signature"], body, now) != SignatureCheck.Valid)
                {
                    Interlocked.Increment(ref receiver.bad);
                }

                // Latency: from the event's own timestamp (when the note was saved) to its arrival here.
                var latency = -1.0;
                if (http.GetRouteValue("name") as string != "ceiling")
                {
                    using var json = JsonDocument.Parse(body);
                    latency = (now - json.RootElement.GetProperty("timestamp").GetDateTimeOffset()).TotalMilliseconds;
                }

                Interlocked.Add(ref receiver.bodyBytes, body.Length);
                receiver.arrivals.Enqueue(new Arrival(h["webhook-id"].ToString(), Stopwatch.GetTimestamp(), latency));
                return Results.NoContent();
            });
            await receiver.app.StartAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public sealed record Arrival(string Id, long At, double LatencyMs);
}
