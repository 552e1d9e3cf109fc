using System.Security.Cryptography;
using Kefu.Core.Common;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Chat;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Kefu.Server.Features.Email;

/// <summary>Mail originals, attachments and inline images in the content-addressed file store: the same bytes are kept once.</summary>
public static class MailFiles
{
    /// <summary>Stores the bytes unless they are already there; returns their SHA-256.</summary>
    public static async Task<string> StoreAsync(KefuDbContext db, byte[] content, string contentType, DateTimeOffset now, CancellationToken ct)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        if (await db.Files.AnyAsync(f => f.Sha256 == sha, ct))
        {
            return sha;
        }

        // A context of its own: the caller's pending changes are not saved with it, and a racing insert of the same bytes is harmless.
        var options = db.GetService<IDbContextOptions>();
        await using var own = new KefuDbContext((DbContextOptions<KefuDbContext>)options);
        own.Files.Add(new StoredFile { Sha256 = sha, ContentType = contentType.Length > Limits.ContentType ? "application/octet-stream" : contentType, Size = content.Length, Content = content, CreatedAt = now });
        try
        {
            await own.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Stored by someone else at the same moment.
        }

        return sha;
    }

    public static Attachment ToAttachment(string sha, string fileName, string contentType, long size) =>
        new(FileStore.CleanFileName(fileName), contentType, size, FileStore.Url(sha, FileStore.CleanFileName(fileName)));
}

/// <summary>Internal notes the e-mail channel writes on a conversation (failed deliveries, bounces, auto-replies).</summary>
public static class EmailNotes
{
    public static readonly Actor Mailer = new(ActorKind.System, null, "e-mail");

    public static async Task AddAsync(KefuDbContext db, RealtimePublisher realtime, Guid conversationId, DateTimeOffset now, string text, string clientId, CancellationToken ct)
    {
        var added = await ConversationCommands.AddMessageAsync(db, Mailer, now, conversationId, new NewMessage(MessageKind.Note, text, null, clientId, null), ct);
        if (added.IsOk && added.Value.Created)
        {
            await realtime.MessageCreatedAsync(added.Value.Conversation, added.Value.Message);
        }
    }
}
