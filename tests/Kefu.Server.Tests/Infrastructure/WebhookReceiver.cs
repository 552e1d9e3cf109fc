using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kefu.Server.Tests.Infrastructure;

/// <summary>One request a <see cref="WebhookReceiver"/> got, with the status it answered.</summary>
public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string Body, int AnsweredWith, DateTimeOffset At)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// A real HTTP receiver on 127.0.0.1 (Kestrel on a free port) that records every request and answers with the status
/// the test chooses per call number (1-based), e.g. fail twice, then succeed.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();
    private int calls;

    private WebhookReceiver(WebApplication app) => this.app = app;

    public Func<int, int> StatusFor { get; set; } = _ => 200;

    public string Url { get; private set; } = "";

    public IReadOnlyList<ReceivedWebhook> Received => received.ToList();

    public static async Task<WebhookReceiver> StartAsync(Func<int, int>? statusFor = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        if (statusFor is not null)
        {
            receiver.StatusFor = statusFor;
        }

        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = receiver.StatusFor(Interlocked.Increment(ref receiver.calls));
            receiver.received.Enqueue(new ReceivedWebhook(
                http.Request.Headers["webhook-id"].ToString(), http.Request.Headers["webhook-timestamp"].ToString(),
                http.Request.Headers["webhook-signature"].ToString(), body, status, DateTimeOffset.UtcNow));
            http.Response.StatusCode = status;
            await http.Response.WriteAsync(status < 300 ? "thanks" : "receiver says no");
        });
        await app.StartAsync();
        receiver.Url = app.Urls.First().TrimEnd('/') + "/hooks/" + Unique.Id();
        return receiver;
    }

    /// <summary>Waits until the receiver has got a request that matches.</summary>
    public async Task<ReceivedWebhook> WaitAsync(Func<ReceivedWebhook, bool> match, int count = 1, int timeoutMs = 20_000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (DateTime.UtcNow < until)
        {
            var found = received.Where(match).ToList();
            if (found.Count >= count)
            {
                return found[count - 1];
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"The receiver got {received.Count(match)} matching request(s) of {count} within {timeoutMs} ms; all: {string.Join(" | ", received.Select(r => r.Body))}");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

public static class Wait
{
    public static async Task<T> ForAsync<T>(Func<Task<T>> read, Func<T, bool> done, int timeoutMs = 20_000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        T value;
        do
        {
            value = await read();
            if (done(value))
            {
                return value;
            }

            await Task.Delay(25);
        }
        while (DateTime.UtcNow < until);
        throw new TimeoutException($"Still not done after {timeoutMs} ms: {JsonSerializer.Serialize(value, Http.Json)}");
    }
}
