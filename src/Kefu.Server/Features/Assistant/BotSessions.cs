using Kefu.Core.Bot;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Assistant;

/// <summary>Where chats meet the bot: a new chat of an inbox whose bot is on starts with the bot answering.</summary>
public static class BotSessions
{
    public static async Task<bool> EnabledAsync(KefuDbContext db, Guid inboxId, CancellationToken ct) =>
        await db.BotSettings.AsNoTracking().Where(s => s.InboxId == inboxId).Select(s => (bool?)s.Enabled).FirstOrDefaultAsync(ct) ?? true;

    /// <summary>
    /// Starts the bot on a new chat conversation when the inbox's bot is on (before anyone is told about the chat), and
    /// queues its round for the first message: the message's own assistant job may have run before the session existed.
    /// </summary>
    public static async Task StartAsync(KefuDbContext db, Guid inboxId, Guid conversationId, Guid firstMessageId, string language, DateTimeOffset now, CancellationToken ct)
    {
        if (!await EnabledAsync(db, inboxId, ct) || await db.BotSessions.AnyAsync(s => s.ConversationId == conversationId, ct))
        {
            return;
        }

        db.BotSessions.Add(BotSession.Start(conversationId, inboxId, language, now));
        Jobs.JobQueue.Enqueue(db, AssistantJob.Kind, new AssistantOutbox.Work(firstMessageId), now, dedupeKey: $"assistant:{firstMessageId:N}:bot", conversationId: conversationId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>True while the bot answers this conversation (routing should leave it alone until the bot hands it off).</summary>
    public static Task<bool> IsBotHandlingAsync(KefuDbContext db, Guid conversationId, CancellationToken ct) =>
        db.BotSessions.AnyAsync(s => s.ConversationId == conversationId && s.State == BotState.Active, ct);
}
