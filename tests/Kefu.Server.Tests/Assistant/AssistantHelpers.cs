using System.Text.Json.Nodes;
using Kefu.Core.Channels.Chat;
using Kefu.Data;
using Kefu.Server.Features.Assistant;
using Kefu.Server.Features.Chat;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.Server.Tests.Assistant;

/// <summary>Knowledge-base entries, chat inboxes and visitor messages for the assistant's tests.</summary>
public static class AssistantHelpers
{
    public static async Task<FaqDto> PublishFaqAsync(this Caller admin, string language, string question, string[] similar, string answer) =>
        await admin.Http.PostJsonAsync("/api/v1/kb/faqs", new { language, question, similar, answer, status = "published" }).ReadAsync<FaqDto>(HttpStatusCode.Created);

    /// <summary>Waits until the assistant's models were built from the knowledge base as it is now.</summary>
    public static async Task WaitForModelsAsync(this Caller caller)
    {
        for (var i = 0; i < 300; i++)
        {
            var status = await caller.Http.GetAsync("/api/v1/assistant/status").ReadAsync<AssistantStatus>(HttpStatusCode.OK);
            if (status.Ready && status.KbVersion >= status.KbVersionInDatabase)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The assistant's models were not rebuilt within 30 seconds.");
    }

    public static async Task<Guid> CreateInboxAsync(this Caller admin, object? bot = null)
    {
        var inbox = await admin.Http.PostJsonAsync("/api/v1/chat-inboxes", new { name = "bot-" + Unique.Id() }).ReadAsync<JsonObject>(HttpStatusCode.Created);
        var id = inbox["id"]!.GetValue<Guid>();
        if (bot is not null)
        {
            await admin.Http.PutAsJsonAsync($"/api/v1/chat-inboxes/{id}/bot", bot, Http.Json).ExpectAsync(HttpStatusCode.OK);
        }

        return id;
    }

    /// <summary>A visitor's message through the same command the widget's hub calls.</summary>
    public static async Task<SentMessage> VisitorSendsAsync(this KefuApp app, Guid inboxId, string visitorId, string text, string language = "zh-CN")
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var inbox = await db.ChatInboxes.AsNoTracking().FirstAsync(i => i.Id == inboxId);
        var sent = await ChatCommands.SendAsync(db, inbox, new VisitorRef(inboxId, visitorId), new VisitorContext("https://shop.test/", "Shop", null, language, "test", "127.0.0.1"),
            Guid.NewGuid().ToString("N"), text, null, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.True(sent.IsOk, sent.Error?.ToString());
        return sent.Value;
    }

    /// <summary>Polls the conversation until the condition holds on its messages.</summary>
    public static async Task<ConversationDetail> EventuallyAsync(this Caller caller, Guid conversationId, Func<ConversationDetail, bool> done, string what)
    {
        ConversationDetail? detail = null;
        for (var i = 0; i < 150; i++)
        {
            detail = await caller.Http.GetConversationAsync(conversationId);
            if (done(detail))
            {
                return detail;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Timed out waiting for {what}: {JsonSerializer.Serialize(detail?.Messages.Select(m => $"{m.AuthorKind}/{m.Kind}: {m.Text}"), Http.Json)}");
    }
}
