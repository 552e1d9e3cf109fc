using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kefu.Testing;

/// <summary>One chat-completions request the fake model received: the system and user texts, the raw body and the key it was sent.</summary>
public sealed record FakeChatRequest(string Model, string System, string User, string Body, string Authorization, int? MaxTokens)
{
    public bool IsGrounded => System.Contains("ONLY the numbered sources", StringComparison.Ordinal);

    public bool IsSummary => System.Contains("You summarise", StringComparison.Ordinal);

    public bool IsDraft => System.Contains("You draft the agent's next reply", StringComparison.Ordinal);

    public bool IsTranslation => System.Contains("You are a translator", StringComparison.Ordinal);
}

/// <summary>
/// A fake OpenAI-compatible server (Kestrel on 127.0.0.1, a free port) implementing POST /v1/chat/completions without
/// streaming. It records every request (so tests can check what left the server), answers with what
/// <see cref="Reply"/> says, and can be told to fail (<see cref="Status"/>) or to be slow (<see cref="Delay"/>).
/// </summary>
public sealed class FakeOpenAi : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<FakeChatRequest> requests = new();

    private FakeOpenAi(WebApplication app) => this.app = app;

    /// <summary>The base URL to configure (…/v1).</summary>
    public string BaseUrl { get; private set; } = "";

    public Func<FakeChatRequest, string> Reply { get; set; } = _ => "OK";

    public int Status { get; set; } = 200;

    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    public IReadOnlyList<FakeChatRequest> Requests => requests.ToList();

    /// <summary>Everything every request sent, to look for data that must not have left the server.</summary>
    public string AllSent => string.Join("\n", requests.Select(r => r.Body + "\n" + r.System + "\n" + r.User));

    public static async Task<FakeOpenAi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeOpenAi(app);
        app.MapPost("/v1/chat/completions", fake.CompleteAsync);
        await app.StartAsync();
        fake.BaseUrl = app.Urls.First().TrimEnd('/') + "/v1";
        return fake;
    }

    private async Task CompleteAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var json = JsonNode.Parse(body)!;
        string Text(string role) => string.Join("\n", json["messages"]!.AsArray()
            .Where(m => m!["role"]!.GetValue<string>() == role)
            .Select(m => m!["content"] is JsonArray parts
                ? string.Concat(parts.Select(p => p!["text"]?.GetValue<string>() ?? ""))
                : m["content"]!.GetValue<string>()));
        var maxTokens = json["max_completion_tokens"] ?? json["max_tokens"];
        var request = new FakeChatRequest(json["model"]?.GetValue<string>() ?? "", Text("system"), Text("user"), body,
            http.Request.Headers.Authorization.ToString(), maxTokens?.GetValue<int>());
        requests.Enqueue(request);
        if (Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(Delay, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (Status != 200)
        {
            http.Response.StatusCode = Status;
            await http.Response.WriteAsJsonAsync(new { error = new { message = "the fake model was told to fail", type = "server_error" } });
            return;
        }

        var content = Reply(request);
        await http.Response.WriteAsJsonAsync(new
        {
            id = "chatcmpl-" + Guid.NewGuid().ToString("N")[..12],
            @object = "chat.completion",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model = request.Model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
            usage = new { prompt_tokens = body.Length / 4, completion_tokens = content.Length / 4, total_tokens = (body.Length + content.Length) / 4 },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
