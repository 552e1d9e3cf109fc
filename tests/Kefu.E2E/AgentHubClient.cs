using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Kefu.Data;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.E2E;

/// <summary>An agent's program on /hubs/agent (the .NET SignalR client with an API token), recording what it receives.</summary>
public sealed class AgentHubClient : IAsyncDisposable
{
    private readonly HubConnection connection;
    private readonly ConcurrentQueue<(string Name, JsonObject Payload)> received = new();

    private AgentHubClient(HubConnection connection)
    {
        this.connection = connection;
        foreach (var name in new[] { "typing", "read", "conversation" })
        {
            connection.On<JsonObject>(name, e => received.Enqueue((name, e)));
        }

        connection.On<Guid, JsonObject>("message", (_, m) => received.Enqueue(("message", m)));
    }

    public static HubConnection Build(KefuServer server, string path, string? token) =>
        new HubConnectionBuilder()
            .WithUrl(server.BaseUrl + path, o =>
            {
                if (token is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .Build();

    public static async Task<AgentHubClient> ConnectAsync(KefuServer server, string apiToken)
    {
        var client = new AgentHubClient(Build(server, "/hubs/agent", apiToken));
        await client.connection.StartAsync();
        return client;
    }

    public Task<JsonObject> JoinAsync(Guid conversationId) => connection.InvokeAsync<JsonObject>("Join", conversationId);

    public Task TypingAsync(Guid conversationId, bool typing) => connection.InvokeAsync("Typing", conversationId, typing);

    public Task ReadAsync(Guid conversationId, DateTimeOffset upTo) => connection.InvokeAsync("Read", conversationId, upTo);

    public Task<JsonObject> SendAsync(Guid conversationId, string text, bool note = false) =>
        connection.InvokeAsync<JsonObject>("Send", conversationId, Guid.NewGuid().ToString("N"), text, note);

    public Task<JsonObject> WaitForAsync(string name, Func<JsonObject, bool> match, int seconds = 20) =>
        ChatFixture.EventuallyAsync(
            () => Task.FromResult(received.Where(r => r.Name == name && match(r.Payload)).Select(r => r.Payload).FirstOrDefault()!),
            e => e is not null, $"the agent hub event '{name}'", seconds);

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}

public static class ChatSessionsFixture
{
    /// <summary>The pages recorded on the chat session of a conversation.</summary>
    public static async Task<List<string>> SessionPagesAsync(this KefuServer server, Guid inboxId, Guid conversationId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var session = await db.ChatSessions.AsNoTracking().FirstAsync(s => s.InboxId == inboxId && s.ConversationId == conversationId);
        return session.Pages.Select(p => p.Url).ToList();
    }
}
