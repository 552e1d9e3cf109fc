using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kefu.Core.Agents;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Auth;
using Kefu.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.E2E;

/// <summary>Test data for the live-chat tests: teams, agents with presence and API tokens, chat inboxes through the admin API.</summary>
public static class ChatFixture
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Unique(string prefix = "") => prefix + Guid.NewGuid().ToString("N")[..8];

    public static async Task<Guid> CreateTeamAsync(this KefuServer server, string name)
    {
        using var admin = await server.AdminClientAsync();
        var response = await admin.PostAsJsonAsync("/api/v1/teams", new { name });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    public static async Task<Guid> CreateAgentAsync(this KefuServer server, string email, string name, AgentRole role, Guid[] teams, string password)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<AgentAccounts>().CreateAsync(Actor.System, DateTimeOffset.UtcNow,
            new CreateAgentRequest(email, name, role, teams, "zh-CN", password), CancellationToken.None);
        return created.Value.Agent.Id;
    }

    /// <summary>Marks the agent online now, as the workspace's heartbeat would (valid for 90 seconds).</summary>
    public static async Task SetPresenceAsync(this KefuServer server, Guid agentId, Presence presence)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var agent = await db.Agents.FirstAsync(a => a.Id == agentId);
        agent.SetPresence(presence, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
        await scope.ServiceProvider.GetRequiredService<RealtimePublisher>().PublishAsync(new PresenceChanged(agentId, agent.DisplayName, presence));
    }

    /// <summary>Keeps an agent online for the duration of a test (heartbeats like an open workspace).</summary>
    public static async Task<IAsyncDisposable> KeepOnlineAsync(this KefuServer server, Guid agentId)
    {
        await server.SetPresenceAsync(agentId, Presence.Online);
        var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(20));
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                await using var scope = server.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
                var agent = await db.Agents.FirstAsync(a => a.Id == agentId);
                agent.Heartbeat(DateTimeOffset.UtcNow);
                await db.SaveChangesAsync();
            }
        });
        return new Online(server, agentId, stop, loop);
    }

    private sealed class Online(KefuServer server, Guid agentId, CancellationTokenSource stop, Task loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }

            await server.SetPresenceAsync(agentId, Presence.Offline);
            stop.Dispose();
        }
    }

    /// <summary>An API token for the agent (stored hashed, like the ones agents create).</summary>
    public static async Task<string> CreateApiTokenAsync(this KefuServer server, Guid agentId, params string[] scopes)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var secret = ApiTokenAuthentication.NewSecret();
        db.ApiTokens.Add(new ApiToken
        {
            Id = Guid.CreateVersion7(),
            AgentId = agentId,
            Name = "e2e",
            Prefix = secret[..12],
            Hash = ApiTokenAuthentication.Hash(secret),
            Scopes = scopes.Length > 0 ? [.. scopes] : [.. Scopes.All],
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return secret;
    }

    public static async Task<HttpClient> ClientAsync(this KefuServer server, Guid agentId, params string[] scopes)
    {
        var client = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.CreateApiTokenAsync(agentId, scopes));
        return client;
    }

    public static async Task<HttpClient> AdminClientAsync(this KefuServer server)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var admin = await db.Agents.AsNoTracking().FirstAsync(a => a.Email == KefuServer.AdminEmail);
        return await server.ClientAsync(admin.Id);
    }

    /// <summary>
    /// Creates a chat inbox through the admin API; returns its id and identity secret. The answer bot (on by default
    /// for new inboxes) is turned off unless <paramref name="bot"/>: these tests are about people chatting.
    /// </summary>
    public static async Task<(Guid Id, string Secret)> CreateInboxAsync(this KefuServer server, object settings, bool bot = false)
    {
        using var admin = await server.AdminClientAsync();
        var response = await admin.PostAsJsonAsync("/api/v1/chat-inboxes", settings);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var inbox = JsonNode.Parse(body)!;
        var id = inbox["id"]!.GetValue<Guid>();
        if (!bot)
        {
            (await admin.PutAsJsonAsync($"/api/v1/chat-inboxes/{id}/bot", new { enabled = false })).EnsureSuccessStatusCode();
        }

        return (id, inbox["secret"]!.GetValue<string>());
    }

    /// <summary>An inbox answered by a fresh team with one agent (who can sign in with the returned password).</summary>
    public static async Task<ChatSetupResult> CreateChatSetupAsync(this KefuServer server, object? extra = null, bool bot = false)
    {
        var name = Unique("chat-");
        var team = await server.CreateTeamAsync(name);
        var email = $"{name}@kefu.test";
        var password = "pw-" + Guid.NewGuid().ToString("N")[..12];
        var agent = await server.CreateAgentAsync(email, "客服小王", AgentRole.Agent, [team], password);
        var settings = JsonSerializer.SerializeToNode(extra ?? new { }, Json)!.AsObject();
        settings["name"] = name;
        settings["teamId"] = team;
        var (inbox, secret) = await server.CreateInboxAsync(settings, bot);
        return new ChatSetupResult(inbox, secret, team, agent, email, password);
    }

    /// <summary>The conversations (as JSON) found by the list API for a query, newest first.</summary>
    public static async Task<JsonArray> FindConversationsAsync(this HttpClient api, string query)
    {
        var page = await api.GetFromJsonAsync<JsonObject>($"/api/v1/conversations?{query}");
        return page!["items"]!.AsArray();
    }

    /// <summary>Polls until the condition holds (the server is asynchronous; never sleep blindly).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last value: {JsonSerializer.Serialize(value, Json)}");
            }

            await Task.Delay(200);
        }
    }
}

public sealed record ChatSetupResult(Guid InboxId, string Secret, Guid TeamId, Guid AgentId, string AgentEmail, string AgentPassword)
{
    public string DemoUrl(string page = "index.html", string query = "") => $"/demo/{page}?inbox={InboxId}{query}";
}
