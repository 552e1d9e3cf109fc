using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Kefu.Cluster.Tests;

public sealed class BackplaneTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    [Fact]
    public async Task AgentHub_MessageWrittenOnNodeA_ReachesAgentConnectedToNodeB()
    {
        var token = await TwoNodes.TokenAsync(nodes.A, "conversations:read", "conversations:write");
        using var apiA = Api(nodes.A, token);
        var created = await apiA.PostAsJsonAsync("/api/v1/conversations", new
        {
            channel = "api",
            subject = "跨节点测试",
            customer = new { kind = "email", value = $"{Guid.NewGuid():N}@cluster.test", name = "跨节点客户" },
            message = new { text = "节点 A 上的第一条消息" },
        });
        created.EnsureSuccessStatusCode();
        var conversationId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversation").GetProperty("id").GetGuid();

        await using var agentOnB = new HubConnectionBuilder()
            .WithUrl($"{nodes.B.Url}/hubs/agent", o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        agentOnB.On<Guid, JsonElement>("message", (id, message) =>
        {
            if (id == conversationId)
            {
                received.TrySetResult(message);
            }
        });
        await agentOnB.StartAsync();
        var joined = await agentOnB.InvokeAsync<JsonElement>("Join", conversationId);
        Assert.Equal("节点 A 上的第一条消息", joined.GetProperty("messages")[0].GetProperty("text").GetString());

        // A customer message arrives through node A: the agent on node B gets it live.
        var inbound = await apiA.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { kind = "inbound", text = "客户在节点 A 追问", clientMessageId = Guid.NewGuid().ToString() });
        inbound.EnsureSuccessStatusCode();
        var message = await received.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("客户在节点 A 追问", message.GetProperty("text").GetString());

        // The agent replies on node B; node A serves the stored reply.
        var reply = await agentOnB.InvokeAsync<JsonElement>("Send", conversationId, Guid.NewGuid().ToString(), "节点 B 的客服回复", false);
        Assert.Equal("outbound", reply.GetProperty("kind").GetString());
        var detail = await apiA.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}");
        Assert.Contains(detail.GetProperty("messages").EnumerateArray(), m => m.GetProperty("text").GetString() == "节点 B 的客服回复");
    }

    private static HttpClient Api(ServerProcess node, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(node.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
