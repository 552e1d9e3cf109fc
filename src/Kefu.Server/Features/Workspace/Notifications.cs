using Kefu.Core.Common;
using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Workspace;

public sealed record NotificationDto(
    Guid Id, NotificationKind Kind, Guid ConversationId, long ConversationNumber, string ActorName, string Preview, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt)
{
    public static NotificationDto From(Notification n) =>
        new(n.Id, n.Kind, n.ConversationId, n.ConversationNumber, n.ActorName, n.Preview, n.CreatedAt, n.ReadAt);
}

/// <summary>
/// Writes notification rows and tells the agent's screens (NotificationCreated). Called where the cause happens:
/// the assignment in the UI, and — through <see cref="NotificationListener"/> — every new message, on the node
/// that saved it, so several nodes never write the same notification twice.
/// </summary>
public sealed class WorkspaceNotifications(IDbContextFactory<KefuDbContext> dbs, RealtimePublisher realtime, TimeProvider clock)
{
    public const int ListSize = 30;

    /// <summary>A customer wrote in a conversation that has an assignee: tell the assignee.</summary>
    public async Task CustomerMessageAsync(ConversationDto conversation, MessageDto message, CancellationToken ct)
    {
        if (conversation.AssigneeId is not { } assignee || message.Kind != MessageKind.Inbound)
        {
            return;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        if (!await db.Agents.AnyAsync(a => a.Id == assignee && a.IsActive, ct))
        {
            return;
        }

        await WriteAsync(db, [assignee], NotificationKind.NewMessage, conversation, conversation.CustomerName, Preview(message), ct);
    }

    /// <summary>
    /// A note mentions agents (Mentions.Find on active agents): one notification each, except the author and
    /// agents who may not see the conversation.
    /// </summary>
    public async Task MentionsAsync(ConversationDto conversation, MessageDto note, CancellationToken ct)
    {
        if (note.Kind != MessageKind.Note || !note.Text.Contains('@'))
        {
            return;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var agents = await db.Agents.AsNoTracking().Where(a => a.IsActive).ToListAsync(ct);
        var mentioned = Mentions.Find(note.Text, agents.Select(a => (a.Id, a.DisplayName, a.Email))).ToHashSet();
        var recipients = agents
            .Where(a => mentioned.Contains(a.Id) && a.Id != note.AuthorId
                && ConversationAccess.CanView(a.Role, a.Id, a.TeamIds, conversation.AssigneeId, conversation.TeamId))
            .Select(a => a.Id).ToList();
        var author = agents.FirstOrDefault(a => a.Id == note.AuthorId)?.DisplayName
            ?? await db.Agents.Where(a => a.Id == note.AuthorId).Select(a => a.DisplayName).FirstOrDefaultAsync(ct) ?? "";
        await WriteAsync(db, recipients, NotificationKind.Mention, conversation, author, Preview(note), ct);
    }

    /// <summary>Someone gave the conversation to another agent: tell that agent (not when agents take it themselves).</summary>
    public async Task AssignedAsync(ConversationDto conversation, Actor actor, CancellationToken ct)
    {
        if (conversation.AssigneeId is not { } assignee || assignee == actor.Id)
        {
            return;
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        await WriteAsync(db, [assignee], NotificationKind.Assigned, conversation, actor.Name, conversation.Subject, ct);
    }

    /// <summary>An automation rule asks to tell these agents (those who may see the conversation).</summary>
    public async Task AutomationAsync(ConversationDto conversation, string ruleName, IReadOnlyList<Guid> agentIds, string text, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var agents = await db.Agents.AsNoTracking().Where(a => a.IsActive && agentIds.Contains(a.Id)).ToListAsync(ct);
        var recipients = agents.Where(a => ConversationAccess.CanView(a.Role, a.Id, a.TeamIds, conversation.AssigneeId, conversation.TeamId)).Select(a => a.Id).ToList();
        await WriteAsync(db, recipients, NotificationKind.Automation, conversation, ruleName, text, ct);
    }

    public static async Task<(List<NotificationDto> Latest, int Unread)> ListAsync(KefuDbContext db, Guid agentId, CancellationToken ct)
    {
        var latest = await db.Notifications.AsNoTracking().Where(n => n.AgentId == agentId)
            .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(ListSize).ToListAsync(ct);
        var unread = await db.Notifications.CountAsync(n => n.AgentId == agentId && n.ReadAt == null, ct);
        return (latest.Select(NotificationDto.From).ToList(), unread);
    }

    /// <summary>Marks one notification read, or with <paramref name="id"/> null all of the agent's.</summary>
    public static async Task MarkReadAsync(KefuDbContext db, Guid agentId, Guid? id, DateTimeOffset now, CancellationToken ct)
    {
        var unread = await db.Notifications.Where(n => n.AgentId == agentId && n.ReadAt == null && (id == null || n.Id == id)).ToListAsync(ct);
        foreach (var n in unread)
        {
            n.MarkRead(now);
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>The agent has the conversation on screen: what was pending about it is seen. Returns how many.</summary>
    public static async Task<int> MarkConversationReadAsync(KefuDbContext db, Guid agentId, Guid conversationId, DateTimeOffset now, CancellationToken ct)
    {
        var unread = await db.Notifications.Where(n => n.AgentId == agentId && n.ConversationId == conversationId && n.ReadAt == null).ToListAsync(ct);
        foreach (var n in unread)
        {
            n.MarkRead(now);
        }

        await db.SaveChangesAsync(ct);
        return unread.Count;
    }

    private static string Preview(MessageDto message) => message.Text.ReplaceLineEndings(" ").Trim();

    private async Task WriteAsync(
        KefuDbContext db, IReadOnlyList<Guid> agentIds, NotificationKind kind, ConversationDto conversation, string actorName, string text, CancellationToken ct)
    {
        if (agentIds.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var rows = agentIds.Distinct()
            .Select(id => Notification.Create(id, kind, conversation.Id, conversation.Number, Clip(actorName, Limits.Name), text, now)).ToList();
        db.Notifications.AddRange(rows);
        await db.SaveChangesAsync(ct);
        foreach (var n in rows)
        {
            await realtime.PublishAsync(new NotificationCreated(
                n.AgentId, n.Id, KindName(n.Kind), n.ConversationId, n.ConversationNumber, n.ActorName, n.Preview));
        }
    }

    public static string KindName(NotificationKind kind) => kind switch
    {
        NotificationKind.Mention => "mention",
        NotificationKind.Assigned => "assigned",
        NotificationKind.NewMessage => "new_message",
        NotificationKind.Automation => "automation",
        NotificationKind.Sla => "sla",
        NotificationKind.Routing => "routing",
        NotificationKind.Transfer => "transfer",
        NotificationKind.Promise => "promise",
        NotificationKind.FollowUp => "follow_up",
        NotificationKind.Approval => "approval",
    };

    private static string Clip(string value, int max) => value.Length <= max ? value : value[..max];
}

/// <summary>
/// Turns new messages into notifications (customer message → the assignee; note with @mentions → the mentioned),
/// whichever path saved the message: UI, API, agent hub or widget. Runs on the publishing node only.
/// </summary>
public sealed class NotificationListener(RealtimeBus bus, WorkspaceNotifications notifications, ILogger<NotificationListener> log) : IHostedService
{
    private IDisposable? subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = bus.SubscribeOrigin(OnEventAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        subscription?.Dispose();
        return Task.CompletedTask;
    }

    private async Task OnEventAsync(KefuEvent evt)
    {
        if (evt is not MessageCreated created)
        {
            return;
        }

        try
        {
            switch (created.Message.Kind)
            {
                case MessageKind.Inbound:
                    await notifications.CustomerMessageAsync(created.Conversation, created.Message, CancellationToken.None);
                    break;
                case MessageKind.Note:
                    await notifications.MentionsAsync(created.Conversation, created.Message, CancellationToken.None);
                    break;
                case MessageKind.Outbound:
                    break;
            }
        }
        catch (Exception e)
        {
            // A lost notification must not fail the message that was already saved.
            log.LogWarning(e, "Could not write notifications for message {MessageId}", created.Message.Id);
        }
    }
}
