using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Kefu.Bench;

/// <summary>
/// Closed-loop load through the real HTTP API: each worker sends its next request when the previous one has answered.
/// One request in five creates a conversation (new customer, first message); the others append an outbound reply,
/// an inbound customer message or an internal note to one of the most recently created conversations (1,000 by
/// default; a handful makes concurrent appends to the same conversation, and so its retry path, common).
/// </summary>
public static partial class ApiLoad
{
    public const string Create = "create";
    public const string Append = "append";
    private const int MaxErrorSamples = 20;

    private static readonly string[] Channels = ["chat", "email", "web_form", "api", "phone"];
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private static readonly JsonSerializerOptions Wire = new(JsonSerializerDefaults.Web);

    public static async Task<WorkloadResult> RunAsync(
        string database, Uri server, string email, string password, int workers, double seconds, double warmup, int active, int? serverPid)
    {
        var secret = await CreateTokenAsync(server, email, password);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = workers,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromSeconds(60),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        var run = new Run(http, Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..4]), active);
        var begin = Stopwatch.GetTimestamp();
        var windowStart = begin + (long)(warmup * Stopwatch.Frequency);
        var windowEnd = windowStart + (long)(seconds * Stopwatch.Frequency);
        run.Begin = begin;

        var cpu = new CpuWindow(serverPid);
        var cpuStarted = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(warmup));
            cpu.Start();
        });
        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(run, w, windowEnd))).ToArray();
        var samples = (await Task.WhenAll(tasks)).SelectMany(s => s).Where(s => s.Start >= windowStart).ToList();
        await cpuStarted;
        var cpuUse = cpu.Stop();
        var (rss, peak) = ProcStat.Memory(serverPid);

        List<OpStats> ops =
        [
            OpStats.From("all", samples, windowStart, windowEnd),
            OpStats.From(Create, samples.Where(s => s.Op == Create).ToList(), windowStart, windowEnd),
            OpStats.From(Append, samples.Where(s => s.Op == Append).ToList(), windowStart, windowEnd),
        ];
        return new WorkloadResult
        {
            Database = database,
            Kind = "api",
            Workers = workers,
            Seconds = seconds,
            WarmupSeconds = warmup,
            ActiveConversations = active,
            Ops = ops,
            StatusCounts = samples.GroupBy(s => $"{s.Op} {s.Status}").OrderBy(g => g.Key).ToDictionary(g => g.Key, g => (long)g.Count()),
            ErrorSamples = [.. run.Errors.OrderBy(e => e.AtSecond)],
            Cpu = cpuUse,
            ServerRssKb = rss,
            ServerPeakRssKb = peak,
            AcknowledgedMessages = Interlocked.Read(ref run.Acknowledged),
        };
    }

    private sealed class Run(HttpClient http, string tag, int active)
    {
        public HttpClient Http { get; } = http;

        /// <summary>Makes customer e-mails and client message ids unique across runs against the same database.</summary>
        public string Tag { get; } = tag;

        public long Begin { get; set; }

        public long Acknowledged;

        public ConcurrentQueue<ErrorSample> Errors { get; } = new();

        private readonly Guid[] recent = new Guid[active];
        private long created;

        public void Add(Guid conversation)
        {
            lock (recent)
            {
                recent[created++ % recent.Length] = conversation;
            }
        }

        public Guid? Pick(Random rng)
        {
            lock (recent)
            {
                return created == 0 ? null : recent[rng.Next((int)Math.Min(created, recent.Length))];
            }
        }
    }

    private static async Task<List<Sample>> WorkerAsync(Run run, int worker, long windowEnd)
    {
        var rng = new Random(worker * 7919 + 1);
        var samples = new List<Sample>(1 << 16);
        for (var seq = 0; Stopwatch.GetTimestamp() < windowEnd; seq++)
        {
            var target = rng.Next(5) == 0 ? null : run.Pick(rng);
            var clientId = $"bench-{run.Tag}-{worker}-{seq}";
            var (op, path, body) = target is { } id
                ? (Append, $"/api/v1/conversations/{id}/messages", JsonSerializer.SerializeToUtf8Bytes(new
                {
                    kind = rng.Next(10) switch { < 5 => "outbound", < 8 => "inbound", _ => "note" },
                    text = Texts.Message(rng),
                    clientMessageId = clientId,
                }, Wire))
                : (Create, "/api/v1/conversations", JsonSerializer.SerializeToUtf8Bytes(new
                {
                    channel = Channels[rng.Next(Channels.Length)],
                    subject = Texts.Subject(rng),
                    customer = new { kind = "email", value = $"bench.{run.Tag}.{worker}.{seq}@example.com" },
                    message = new { text = Texts.Message(rng), clientMessageId = clientId },
                }, Wire));

            var start = Stopwatch.GetTimestamp();
            int status;
            string answer;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = JsonType;
                using var response = await run.Http.PostAsync(path, content);
                answer = await response.Content.ReadAsStringAsync();
                status = (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                status = 0;
                answer = $"{e.GetType().Name}: {e.Message}";
            }

            var end = Stopwatch.GetTimestamp();
            samples.Add(new Sample(start, end, op, status));
            if (status == (int)HttpStatusCode.Created)
            {
                Interlocked.Increment(ref run.Acknowledged);
                if (op == Create)
                {
                    using var json = JsonDocument.Parse(answer);
                    run.Add(json.RootElement.GetProperty("conversation").GetProperty("id").GetGuid());
                }
            }
            else if (run.Errors.Count < MaxErrorSamples)
            {
                var at = OpStats.Ms(start - run.Begin) / 1000;
                run.Errors.Enqueue(new ErrorSample($"POST {path}", status, answer.Length > 600 ? answer[..600] + "…" : answer, Math.Round(at, 3)));
            }
        }

        return samples;
    }

    /// <summary>Signs in with the cookie form like a person, then mints an API token for the load.</summary>
    public static async Task<string> CreateTokenAsync(Uri server, string email, string password)
    {
        using var http = await SignInAsync(server, email, password);
        return await CreateTokenAsync(http, "bench", ["conversations:read", "conversations:write", "customers:read", "customers:write"]);
    }

    /// <summary>An HTTP client holding the sign-in cookie of this agent (the cookie form, as a person signs in).</summary>
    public static async Task<HttpClient> SignInAsync(Uri server, string email, string password)
    {
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = server,
        };
        try
        {
            var page = await http.GetStringAsync("/login");
            var input = AntiforgeryInput().Match(page);
            var antiforgery = ValueAttribute().Match(input.Value);
            if (!input.Success || !antiforgery.Success)
            {
                throw new InvalidOperationException("GET /login: no __RequestVerificationToken input in the page.");
            }

            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = email,
                ["password"] = password,
                ["returnUrl"] = "/",
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery.Groups["value"].Value),
            });
            using var login = await http.PostAsync("/account/login", form);
            var location = login.Headers.Location?.OriginalString ?? "";
            if (login.StatusCode != HttpStatusCode.Redirect || location.Contains("error=", StringComparison.Ordinal) || location.StartsWith("/account/password", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"POST /account/login as {email}: {(int)login.StatusCode} to '{location}' (wrong password, or the agent must change it first).");
            }

            return http;
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>Mints an API token from a signed-in session (a token cannot mint tokens); returns its secret.</summary>
    public static async Task<string> CreateTokenAsync(HttpClient signedIn, string name, string[] scopes)
    {
        using var created = await signedIn.PostAsJsonAsync("/api/v1/tokens", new { name, scopes });
        var body = await created.Content.ReadAsStringAsync();
        if (created.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST /api/v1/tokens: {(int)created.StatusCode} {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("secret").GetString() ?? throw new InvalidOperationException("POST /api/v1/tokens: no secret.");
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("value=\"(?<value>[^\"]*)\"")]
    private static partial Regex ValueAttribute();
}
