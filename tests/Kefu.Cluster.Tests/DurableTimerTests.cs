using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Kefu.Cluster.Tests;

/// <summary>Durable timers are job rows claimed with FOR UPDATE SKIP LOCKED: with two nodes polling, each fires exactly once.</summary>
public sealed class DurableTimerTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    [Fact]
    public async Task PromiseOverdue_TwoNodesPolling_EachTimerFiresExactlyOnce()
    {
        var token = await TwoNodes.TokenAsync(nodes.A, "conversations:read", "conversations:write");
        using var apiA = Api(nodes.A, token);
        using var apiB = Api(nodes.B, token);
        var me = (await apiA.GetFromJsonAsync<JsonElement>("/api/v1/agents/me")).GetProperty("id").GetGuid();
        var created = await apiA.PostAsJsonAsync("/api/v1/conversations", new
        {
            channel = "phone",
            subject = "两节点定时器",
            assigneeId = me,
            customer = new { kind = "email", value = $"{Guid.NewGuid():N}@cluster.test", name = "回电客户" },
            message = new { kind = "inbound", text = "请回电" },
        });
        created.EnsureSuccessStatusCode();
        var conversationId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("conversation").GetProperty("id").GetGuid();

        // Ten promises due at the same instant, recorded half through each node: ten overdue timers for two workers.
        var due = DateTimeOffset.UtcNow.AddSeconds(4);
        for (var i = 0; i < 10; i++)
        {
            var api = i % 2 == 0 ? apiA : apiB;
            var promise = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/promises", new { text = $"回电 {i}", dueAt = due, remindMinutes = 0 });
            promise.EnsureSuccessStatusCode();
        }

        await using var db = new NpgsqlConnection(nodes.ConnectionString);
        await db.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long done;
        do
        {
            await Task.Delay(500);
            done = await ScalarAsync(db, "SELECT count(*) FROM \"Jobs\" WHERE \"ConversationId\" = @c AND \"Kind\" = 'promise.timer' AND \"State\" = 'Done'", conversationId);
        }
        while (done < 10 && DateTime.UtcNow < deadline);

        // Give a duplicate time to appear, then count: one alert per promise, one attempt per timer.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(10L, done);
        Assert.Equal(10L, await ScalarAsync(db, "SELECT count(*) FROM \"Jobs\" WHERE \"ConversationId\" = @c AND \"Kind\" = 'promise.timer' AND \"Attempts\" = 1", conversationId));
        Assert.Equal(10L, await ScalarAsync(db, "SELECT count(*) FROM \"Notifications\" WHERE \"ConversationId\" = @c AND \"Kind\" = 'Promise'", conversationId));
        Assert.Equal(10L, await ScalarAsync(db, "SELECT count(*) FROM \"Promises\" WHERE \"ConversationId\" = @c AND \"OverdueAt\" IS NOT NULL", conversationId));
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection db, string sql, Guid conversationId)
    {
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue("c", conversationId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static HttpClient Api(ServerProcess node, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri(node.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
