using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Kefu.Cluster.Tests;

/// <summary>Every node hears every event; notification rows must still be written once, by the node that saved the message.</summary>
public sealed class NotificationTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    [Fact]
    public async Task CustomerMessage_TwoNodesSharingRedis_AssigneeNotifiedExactlyOnce()
    {
        var token = await TwoNodes.TokenAsync(nodes.A, "conversations:read", "conversations:write");
        using var apiA = Api(nodes.A, token);
        using var apiB = Api(nodes.B, token);
        var me = (await apiA.GetFromJsonAsync<JsonElement>("/api/v1/agents/me")).GetProperty("id").GetGuid();

        // Created on node A with the caller as assignee: the first (customer) message notifies them once.
        var created = await apiA.PostAsJsonAsync("/api/v1/conversations", new
        {
            channel = "chat",
            subject = "通知只写一次",
            assigneeId = me,
            customer = new { kind = "email", value = $"{Guid.NewGuid():N}@cluster.test", name = "两节点客户" },
            message = new { kind = "inbound", text = "第一条客户消息" },
        });
        created.EnsureSuccessStatusCode();
        var conversationId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversation").GetProperty("id").GetGuid();

        // A follow-up arrives through node B.
        var inbound = await apiB.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { kind = "inbound", text = "客户在节点 B 追问" });
        inbound.EnsureSuccessStatusCode();

        // Both nodes received both events through Redis; give a wrongly written duplicate time to appear.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await using var db = new NpgsqlConnection(nodes.ConnectionString);
        await db.OpenAsync();
        await using var count = new NpgsqlCommand(
            "SELECT count(*) FROM \"Notifications\" WHERE \"ConversationId\" = @c AND \"AgentId\" = @a AND \"Kind\" = 'NewMessage'", db);
        count.Parameters.AddWithValue("c", conversationId);
        count.Parameters.AddWithValue("a", me);
        Assert.Equal(2L, (long)(await count.ExecuteScalarAsync())!);
    }

    private static HttpClient Api(ServerProcess node, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(node.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
