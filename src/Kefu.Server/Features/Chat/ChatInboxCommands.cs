using System.Security.Cryptography;
using Kefu.Core.Channels.Chat;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Chat;

/// <summary>The steps that change chat inboxes, shared by the admin API and the admin page.</summary>
public static class ChatInboxCommands
{
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static async Task<Result<ChatInbox>> CreateAsync(KefuDbContext db, Actor actor, DateTimeOffset now, CreateChatInboxRequest r, CancellationToken ct)
    {
        var d = ChatInboxSettings.Default(r.Name ?? "");
        var settings = new ChatInboxSettings(
            r.Name, r.TitleEn ?? d.TitleEn, r.TitleZh ?? d.TitleZh, r.GreetingEn ?? d.GreetingEn, r.GreetingZh ?? d.GreetingZh, r.Color ?? d.Color,
            r.Position ?? d.Position, r.Languages ?? d.Languages, r.PreChatForm ?? false, r.PreChatRequireEmail ?? false,
            r.MaxUploadBytes ?? d.MaxUploadBytes, r.AllowedFileTypes ?? d.AllowedFileTypes, r.AllowedOrigins ?? [], r.TeamId, true, r.CalendarId);
        var errors = new FieldErrors();
        await References.CheckAsync(db, errors, null, null, r.TeamId, ct);
        await CheckCalendarAsync(db, errors, r.CalendarId, ct);
        var created = ChatInbox.Create(Guid.CreateVersion7(now), settings, NewSecret(), now);
        if (errors.Include(created.Error).ToError() is { } invalid)
        {
            return invalid;
        }

        db.ChatInboxes.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(actor, now, "chat_inbox", created.Value.Id, "created", new("name", null, created.Value.Name)));
        await db.SaveChangesAsync(ct);
        return created.Value;
    }

    /// <summary>Applies new settings, computed from the inbox as it is now.</summary>
    public static async Task<Result<ChatInbox>> UpdateAsync(
        KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, Func<ChatInbox, ChatInboxSettings> settings, CancellationToken ct)
    {
        var inbox = await db.ChatInboxes.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (inbox is null)
        {
            return new NotFound("Chat inbox", id.ToString());
        }

        var next = settings(inbox);
        var errors = new FieldErrors();
        await References.CheckAsync(db, errors, null, null, next.TeamId, ct);
        await CheckCalendarAsync(db, errors, next.CalendarId, ct);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = inbox.Apply(next);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "chat_inbox", id, changes.Value));
        await db.SaveChangesAsync(ct);
        return inbox;
    }

    private static async Task CheckCalendarAsync(KefuDbContext db, FieldErrors errors, Guid? calendarId, CancellationToken ct)
    {
        if (calendarId is { } id && !await db.BusinessCalendars.AnyAsync(c => c.Id == id, ct))
        {
            errors.Add("calendarId", $"no business calendar has the id {id}.");
        }
    }

    public static async Task<Result<ChatInbox>> RotateSecretAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, CancellationToken ct)
    {
        var inbox = await db.ChatInboxes.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (inbox is null)
        {
            return new NotFound("Chat inbox", id.ToString());
        }

        inbox.RotateSecret(NewSecret());
        // The secret itself never goes into the activity trail.
        db.Activities.Add(ActivityEntry.Create(actor, now, "chat_inbox", id, "secret_rotated"));
        await db.SaveChangesAsync(ct);
        return inbox;
    }
}
