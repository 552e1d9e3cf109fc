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

    [Fact]
    public async Task LiveChat_VisitorOnNodeA_AgentOnNodeB_ExchangeMessages()
    {
        var token = await TwoNodes.TokenAsync(nodes.B, "conversations:read", "conversations:write");
        using var apiB = Api(nodes.B, token);
        var inboxId = (await apiB.GetFromJsonAsync<JsonElement>("/widget/default")).GetProperty("inboxId").GetString()!;
        var marker = Guid.NewGuid().ToString("N")[..8];

        // The visitor's widget talks to node A.
        await using var visitor = new HubConnectionBuilder().WithUrl($"{nodes.A.Url}/hubs/visitor").Build();
        var visitorInbox = new System.Collections.Concurrent.ConcurrentQueue<JsonElement>();
        var replyArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        visitor.On<JsonElement>("message", m =>
        {
            visitorInbox.Enqueue(m);
            if (m.GetProperty("from").GetString() == "agent")
            {
                replyArrived.TrySetResult();
            }
        });
        await visitor.StartAsync();
        await visitor.InvokeAsync<JsonElement>("Start", inboxId, null, new { url = "https://shop.example/cart", language = "zh-CN" }, null, null);
        var first = await visitor.InvokeAsync<JsonElement>("Send", Guid.NewGuid().ToString(), $"你好，我的订单还没发货 {marker}", null);
        Assert.Equal("visitor", first.GetProperty("from").GetString());

        // The agent on node B finds the chat, joins it live and replies.
        var found = await apiB.GetFromJsonAsync<JsonElement>($"/api/v1/conversations?channel=chat&q={marker}");
        var conversationId = found.GetProperty("items")[0].GetProperty("id").GetGuid();
        await using var agent = new HubConnectionBuilder()
            .WithUrl($"{nodes.B.Url}/hubs/agent", o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var agentInbox = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.On<Guid, JsonElement>("message", (id, m) =>
        {
            if (id == conversationId && m.GetProperty("text").GetString()!.Contains("补充"))
            {
                agentInbox.TrySetResult(m);
            }
        });
        await agent.StartAsync();
        await agent.InvokeAsync<JsonElement>("Join", conversationId);
        await agent.InvokeAsync<JsonElement>("Send", conversationId, Guid.NewGuid().ToString(), "您好，已为您加急处理。", false);
        await replyArrived.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Contains(visitorInbox, m => m.GetProperty("text").GetString() == "您好，已为您加急处理。");

        // And back: the visitor on node A writes again; the agent on node B sees it live.
        await visitor.InvokeAsync<JsonElement>("Send", Guid.NewGuid().ToString(), "补充：收货地址是上海", null);
        var followUp = await agentInbox.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("inbound", followUp.GetProperty("kind").GetString());

        // Each message is stored exactly once, in order.
        var detail = await apiB.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}");
        // (The default inbox's answer bot may have answered too: its messages are not part of this exchange.)
        var texts = detail.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("authorKind").GetString() != "bot")
            .Select(m => m.GetProperty("text").GetString()).ToList();
        Assert.Equal([$"你好，我的订单还没发货 {marker}", "您好，已为您加急处理。", "补充：收货地址是上海"], texts);
    }

    private static HttpClient Api(ServerProcess node, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(node.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
