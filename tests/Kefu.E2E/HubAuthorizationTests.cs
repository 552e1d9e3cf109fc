using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using Kefu.Core.Agents;
using Kefu.Server.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Kefu.E2E;

/// <summary>Who may do what on the hubs, through the .NET SignalR client against the real server.</summary>
[Collection(ServerCollection.Name)]
public sealed class HubAuthorizationTests(KefuServer server)
{
    private static readonly object Page = new { url = "https://shop.example/", title = "商城", referrer = (string?)null, language = "zh-CN", userAgent = "e2e", ip = "203.0.113.9" };

    [Fact]
    public void VisitorHub_NoMethodNamesAConversation()
    {
        var parameters = typeof(VisitorHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .SelectMany(m => m.GetParameters()).ToList();
        Assert.NotEmpty(parameters);
        Assert.DoesNotContain(parameters, p => p.ParameterType == typeof(Guid) || p.Name!.Contains("conversation", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task VisitorToken_OfVisitorA_NeverReadsOrWritesVisitorBsConversation()
    {
        var chat = await server.CreateChatSetupAsync();
        var inbox = chat.InboxId.ToString();

        await using var a = await VisitorAsync(null);
        var startA = await a.InvokeAsync<JsonObject>("Start", inbox, null, Page, null, null);
        await a.InvokeAsync<JsonObject>("Send", "same-client-id", "A 的订单号是 A-1001", null);

        await using var b = await VisitorAsync(null);
        var startB = await b.InvokeAsync<JsonObject>("Start", inbox, null, Page, null, null);
        // B reuses A's client message id: it gets its own new message, not A's.
        var sentB = await b.InvokeAsync<JsonObject>("Send", "same-client-id", "B 的问题", null);
        Assert.Equal("B 的问题", sentB["text"]!.GetValue<string>());
        Assert.NotEqual(startA["token"]!.GetValue<string>(), startB["token"]!.GetValue<string>());

        // A's token (on a new connection) brings back A's history only.
        await using var again = await VisitorAsync(startA["token"]!.GetValue<string>());
        var resumed = await again.InvokeAsync<JsonObject>("Start", inbox, null, Page, null, null);
        Assert.Equal(["A 的订单号是 A-1001"], resumed["history"]!.AsArray().Select(m => m!["text"]!.GetValue<string>()).ToArray());
        Assert.Equal(startA["session"]!["visitorId"]!.GetValue<string>(), resumed["session"]!["visitorId"]!.GetValue<string>());

        // A connection that is A cannot switch to B's token.
        var error = await Assert.ThrowsAsync<HubException>(() => again.InvokeAsync<JsonObject>("Start", inbox, startB["token"]!.GetValue<string>(), Page, null, null));
        Assert.Contains("invalid_token", error.Message);

        // A's messages land in A's conversation; B's conversation still holds only B's message.
        await again.InvokeAsync<JsonObject>("Send", "a-2", "A 的第二条", null);
        await using var bAgain = await VisitorAsync(startB["token"]!.GetValue<string>());
        var historyB = (await bAgain.InvokeAsync<JsonObject>("Start", inbox, null, Page, null, null))["history"]!.AsArray();
        Assert.Equal(["B 的问题"], historyB.Select(m => m!["text"]!.GetValue<string>()).ToArray());

        // The same token on another inbox is refused.
        var other = await server.CreateChatSetupAsync();
        var wrongInbox = await Assert.ThrowsAsync<HubException>(() => again.InvokeAsync<JsonObject>("Start", other.InboxId.ToString(), null, Page, null, null));
        Assert.Contains("invalid_token", wrongInbox.Message);
    }

    [Fact]
    public async Task VisitorToken_ForgedOrTampered_Rejected()
    {
        var chat = await server.CreateChatSetupAsync();
        await using var visitor = await VisitorAsync(null);
        var token = (await visitor.InvokeAsync<JsonObject>("Start", chat.InboxId.ToString(), null, Page, null, null))["token"]!.GetValue<string>();

        // Tampered (one character changed) or made up: the connection itself is refused (401 at negotiate).
        var tampered = token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];
        foreach (var bad in new[] { tampered, "CfDJ8forged-token", Convert.ToBase64String("v1|inbox|visitor"u8.ToArray()) })
        {
            await using var connection = AgentHubClient.Build(server, "/hubs/visitor", bad);
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Passed to Start instead of the query string: refused as well.
        await using var anonymous = await VisitorAsync(null);
        var error = await Assert.ThrowsAsync<HubException>(() => anonymous.InvokeAsync<JsonObject>("Start", chat.InboxId.ToString(), tampered, Page, null, null));
        Assert.Contains("invalid_token", error.Message);

        // Nothing works before Start.
        await using var early = await VisitorAsync(null);
        var notStarted = await Assert.ThrowsAsync<HubException>(() => early.InvokeAsync<JsonObject>("Send", "x1", "你好", null));
        Assert.Contains("not_started", notStarted.Message);
    }

    [Fact]
    public async Task AgentHub_AgentOfAnotherTeamCannotJoin_SupervisorCan_AnonymousCannotConnect()
    {
        var chat = await server.CreateChatSetupAsync();
        await using var visitor = await VisitorAsync(null);
        await visitor.InvokeAsync<JsonObject>("Start", chat.InboxId.ToString(), null, Page, null, null);
        var sent = await visitor.InvokeAsync<JsonObject>("Send", "q1", "团队专属的对话", null);
        using var api = await server.ClientAsync(chat.AgentId);
        var conversationId = (await api.FindConversationsAsync($"channel=chat&team={chat.TeamId}")).Single()!["id"]!.GetValue<Guid>();

        // The team's own agent may join.
        await using (var own = await AgentHubClient.ConnectAsync(server, await server.CreateApiTokenAsync(chat.AgentId)))
        {
            var joined = await own.JoinAsync(conversationId);
            Assert.Equal(sent["id"]!.GetValue<Guid>(), joined["messages"]![0]!["id"]!.GetValue<Guid>());
        }

        // An agent of another team may not.
        var otherTeam = await server.CreateTeamAsync(ChatFixture.Unique("other-"));
        var outsider = await server.CreateAgentAsync($"{ChatFixture.Unique()}@kefu.test", "外部客服", AgentRole.Agent, [otherTeam], "pw-" + Guid.NewGuid().ToString("N"));
        await using (var foreign = await AgentHubClient.ConnectAsync(server, await server.CreateApiTokenAsync(outsider)))
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => foreign.JoinAsync(conversationId));
            Assert.Contains("not found or not accessible", refused.Message);
        }

        // A supervisor (in no team) may.
        var supervisor = await server.CreateAgentAsync($"{ChatFixture.Unique()}@kefu.test", "主管", AgentRole.Supervisor, [], "pw-" + Guid.NewGuid().ToString("N"));
        await using (var boss = await AgentHubClient.ConnectAsync(server, await server.CreateApiTokenAsync(supervisor)))
        {
            Assert.Equal(conversationId, (await boss.JoinAsync(conversationId))["conversation"]!["id"]!.GetValue<Guid>());
        }

        // Nobody anonymous, and no visitor token, gets onto the agent hub.
        await using var anonymous = AgentHubClient.Build(server, "/hubs/agent", null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.StartAsync())).StatusCode);
        var visitorToken = (await visitor.InvokeAsync<JsonObject>("Start", chat.InboxId.ToString(), null, Page, null, null))["token"]!.GetValue<string>();
        await using var disguised = AgentHubClient.Build(server, "/hubs/agent", visitorToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Assert.ThrowsAsync<HttpRequestException>(() => disguised.StartAsync())).StatusCode);
    }

    private async Task<HubConnection> VisitorAsync(string? token)
    {
        var connection = AgentHubClient.Build(server, "/hubs/visitor", token);
        await connection.StartAsync();
        return connection;
    }
}
