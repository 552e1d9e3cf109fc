using Queue = System.Threading.Channels;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Chat;

/// <summary>
/// Keeps waiting visitors informed: when chats arrive, get answered, assigned or closed, or agents come and go, the
/// queue of the inbox is recomputed and each waiting visitor gets their position and estimated wait; a visitor
/// whose chat was answered or assigned gets "no longer waiting". An agent's reply also counts as having read the
/// visitor's messages. Runs on every node (events reach them all); the work is idempotent.
/// </summary>
public sealed class ChatQueueWatcher(
    RealtimeBus bus, IDbContextFactory<KefuDbContext> dbs, IHubContext<VisitorHub> visitors, RealtimePublisher realtime, TimeProvider clock,
    ILogger<ChatQueueWatcher> log) : BackgroundService
{
    private readonly Queue.Channel<Work> work = Queue.Channel.CreateUnbounded<Work>(new Queue.UnboundedChannelOptions { SingleReader = true });

    private sealed record Work(Guid? ConversationId, Guid? InboxId, DateTimeOffset? AgentReplyAt, bool AllInboxes);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = bus.Subscribe(OnEvent);
        while (await work.Reader.WaitToReadAsync(stoppingToken))
        {
            // Coalesce a burst of events into one recomputation per inbox.
            var batch = new List<Work>();
            while (work.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                await ProcessAsync(batch, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Updating the chat queue failed; waiting visitors get the next update.");
            }
        }
    }

    private Task OnEvent(KefuEvent evt)
    {
        var item = evt switch
        {
            // A visitor's follow-up changes nobody's place; a new chat, an answer or a change does.
            MessageCreated { Conversation.Channel: Channel.Chat } m when m.Message.Kind != MessageKind.Inbound || m.Conversation.MessageCount <= 1 => new Work(
                m.Conversation.Id, null,
                m.Message is { Kind: MessageKind.Outbound, AuthorKind: AuthorKind.Agent } ? m.Message.CreatedAt : null, false),
            ConversationChanged { Conversation.Channel: Channel.Chat } c => new Work(c.Conversation.Id, null, null, false),
            QueueChanged q => new Work(null, q.InboxId, null, q.InboxId is null),
            PresenceChanged => new Work(null, null, null, true),
            _ => null,
        };
        if (item is not null)
        {
            work.Writer.TryWrite(item);
        }

        return Task.CompletedTask;
    }

    private async Task ProcessAsync(List<Work> batch, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var inboxes = new HashSet<Guid>(batch.Where(w => w.InboxId is not null).Select(w => w.InboxId!.Value));
        var touched = new HashSet<Guid>();
        foreach (var item in batch.Where(w => w.ConversationId is not null))
        {
            var session = await db.ChatSessions.FirstOrDefaultAsync(s => s.ConversationId == item.ConversationId, ct);
            if (session is null)
            {
                continue;
            }

            inboxes.Add(session.InboxId);
            touched.Add(item.ConversationId!.Value);
            if (item.AgentReplyAt is { } at && (session.AgentReadAt is null || session.AgentReadAt < at))
            {
                // Answering means having read what the visitor wrote before.
                session.AgentRead(at);
                await db.SaveChangesAsync(ct);
                await realtime.ReadAsync(new ReadChanged(item.ConversationId.Value, false, at));
            }
        }

        var all = batch.Any(w => w.AllInboxes);
        var query = db.ChatInboxes.AsNoTracking().Where(i => i.IsActive);
        var targets = all ? await query.ToListAsync(ct) : await query.Where(i => inboxes.Contains(i.Id)).ToListAsync(ct);
        foreach (var inbox in targets)
        {
            var queue = await ChatQueries.QueueAsync(db, inbox, now, ct);
            foreach (var (conversationId, info) in queue)
            {
                await visitors.Clients.Group(VisitorHub.ConversationGroup(conversationId)).SendAsync("queue", info, ct);
            }

            foreach (var conversationId in touched.Where(id => !queue.ContainsKey(id)))
            {
                await visitors.Clients.Group(VisitorHub.ConversationGroup(conversationId)).SendAsync("queue", (object?)null, ct);
            }

            if (all)
            {
                var online = await ChatQueries.AgentsOnlineAsync(db, inbox, now, ct) > 0;
                await visitors.Clients.Group(VisitorHub.InboxGroup(inbox.Id)).SendAsync("online", online, ct);
            }
        }
    }
}
