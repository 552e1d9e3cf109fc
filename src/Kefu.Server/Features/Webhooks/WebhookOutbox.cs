using Kefu.Core.Common;
using Kefu.Core.Tickets;
using Kefu.Core.Webhooks;
using Kefu.Data;
using Kefu.Server.Features.Chat;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Webhooks;

/// <summary>
/// Writes what must be delivered because of a change — event webhooks for the subscriptions that want the event, and
/// agents' replies to API-channel integrations — into the DbContext before the change is saved, so the deliveries
/// commit in the same transaction as the change (or not at all). Workers send them afterwards.
/// </summary>
public static class WebhookOutbox
{
    /// <summary>A new conversation with its first message.</summary>
    public static async Task ConversationCreatedAsync(KefuDbContext db, Actor actor, DateTimeOffset now, ConversationDto conversation, MessageDto first, CancellationToken ct)
    {
        var subscribers = await SubscribersAsync(db, [WebhookEvents.ConversationCreated, WebhookEvents.MessageCreated], ct);
        var who = EventActor.From(actor);
        Add(db, subscribers, WebhookEvents.ConversationCreated, conversation.Id, now, new ConversationEvent(conversation, null, who));
        Add(db, subscribers, WebhookEvents.MessageCreated, conversation.Id, now, new MessageEvent(conversation, first, who));
    }

    /// <summary>A message was added; the status change it caused (a reopen, an agent's first reply) is reported as an update.</summary>
    public static async Task MessageAddedAsync(
        KefuDbContext db, Actor actor, DateTimeOffset now, ConversationDto conversation, MessageDto message, IReadOnlyList<FieldChange> changes, CancellationToken ct)
    {
        var subscribers = await SubscribersAsync(db, [WebhookEvents.MessageCreated, WebhookEvents.ConversationUpdated, WebhookEvents.ConversationResolved], ct);
        var who = EventActor.From(actor);
        Add(db, subscribers, WebhookEvents.MessageCreated, conversation.Id, now, new MessageEvent(conversation, message, who));
        AddUpdated(db, subscribers, now, conversation, changes, who);
        if (conversation.Channel == Channel.Api && message.Kind == MessageKind.Outbound && message.AuthorKind is AuthorKind.Agent or AuthorKind.Bot)
        {
            await ApiChannelReplyAsync(db, actor, now, conversation, message, ct);
        }
    }

    public static async Task ConversationUpdatedAsync(KefuDbContext db, Actor actor, DateTimeOffset now, ConversationDto conversation, IReadOnlyList<FieldChange> changes, CancellationToken ct)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var subscribers = await SubscribersAsync(db, [WebhookEvents.ConversationUpdated, WebhookEvents.ConversationResolved], ct);
        AddUpdated(db, subscribers, now, conversation, changes, EventActor.From(actor));
    }

    /// <summary>For the SLA engine: call before saving the breach record, so the webhook commits with it.</summary>
    public static async Task SlaBreachedAsync(KefuDbContext db, DateTimeOffset now, ConversationDto conversation, string metric, DateTimeOffset dueAt, CancellationToken ct)
    {
        var subscribers = await SubscribersAsync(db, [WebhookEvents.SlaBreached], ct);
        Add(db, subscribers, WebhookEvents.SlaBreached, conversation.Id, now, new SlaBreachEvent(conversation, metric, dueAt, now));
    }

    /// <summary>Delegated authority: call before the request or decision is saved, so the event commits with it.</summary>
    public static async Task CompensationAsync(KefuDbContext db, string type, DateTimeOffset now, CompensationEvent data, CancellationToken ct)
    {
        var subscribers = await SubscribersAsync(db, [type], ct);
        Add(db, subscribers, type, data.ConversationId, now, data);
    }

    /// <summary>A test event for one subscription (admins' "send test" button).</summary>
    public static WebhookDelivery Ping(KefuDbContext db, WebhookSubscription subscription, DateTimeOffset now)
    {
        var delivery = WebhookDelivery.Create(DeliveryTarget.Subscription, subscription.Id, WebhookEvents.Ping,
            WebhookPayloads.Serialize(WebhookEvents.Ping, now, new PingEvent($"Test event from Kefu for '{subscription.Name}'.")), null, now);
        Queue(db, delivery, now);
        return delivery;
    }

    private static void AddUpdated(KefuDbContext db, IReadOnlyList<Subscriber> subscribers, DateTimeOffset now, ConversationDto conversation, IReadOnlyList<FieldChange> changes, EventActor who)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var data = new ConversationEvent(conversation, changes, who);
        Add(db, subscribers, WebhookEvents.ConversationUpdated, conversation.Id, now, data);
        if (changes.Any(c => c.Field == "status" && c.After == ConversationStatus.Resolved.Wire()))
        {
            Add(db, subscribers, WebhookEvents.ConversationResolved, conversation.Id, now, data);
        }
    }

    /// <summary>Attachment links the integration can fetch without signing in to Kefu (see <see cref="FileLink"/>).</summary>
    private static List<Attachment> SignedAttachments(IReadOnlyList<Attachment> attachments, Guid integrationId, string secret, DateTimeOffset now) =>
        attachments.Select(a => FileStore.ParseUrl(a.Url) is { } sha ? a with { Url = FileLink.Sign(a.Url!, sha, integrationId, secret, now) } : a).ToList();

    private static async Task ApiChannelReplyAsync(KefuDbContext db, Actor actor, DateTimeOffset now, ConversationDto conversation, MessageDto message, CancellationToken ct)
    {
        var target = await (from c in db.ApiContacts
                            join i in db.Integrations on c.IntegrationId equals i.Id
                            where c.ConversationId == conversation.Id && i.IsActive && i.CallbackUrl != null
                            orderby c.UpdatedAt descending
                            select new { i.Id, c.ContactId, i.Secret }).AsNoTracking().FirstOrDefaultAsync(ct);
        if (target is null)
        {
            return;
        }

        var reply = new ApiReply(target.Id, target.ContactId, conversation.Id, conversation.Number,
            new ApiReplyMessage(message.Id, message.Text, message.Html, SignedAttachments(message.Attachments, target.Id, target.Secret.Current, now),
                message.AuthorKind, actor.Name, message.CreatedAt));
        var delivery = WebhookDelivery.Create(DeliveryTarget.Integration, target.Id, WebhookEvents.MessageCreated,
            WebhookPayloads.Serialize(WebhookEvents.MessageCreated, now, reply), conversation.Id, now);
        Queue(db, delivery, now);
    }

    private sealed record Subscriber(Guid Id, List<string> EventTypes);

    private static async Task<IReadOnlyList<Subscriber>> SubscribersAsync(KefuDbContext db, string[] types, CancellationToken ct) =>
        await db.WebhookSubscriptions.AsNoTracking()
            .Where(s => s.IsActive && s.EventTypes.Any(t => types.Contains(t)))
            .Select(s => new Subscriber(s.Id, s.EventTypes)).ToListAsync(ct);

    private static void Add<T>(KefuDbContext db, IReadOnlyList<Subscriber> subscribers, string type, Guid conversationId, DateTimeOffset now, T data)
    {
        string? payload = null;
        foreach (var s in subscribers.Where(s => s.EventTypes.Contains(type)))
        {
            payload ??= WebhookPayloads.Serialize(type, now, data);
            Queue(db, WebhookDelivery.Create(DeliveryTarget.Subscription, s.Id, type, payload, conversationId, now), now);
        }
    }

    /// <summary>Adds the delivery and the job that sends it; the caller's SaveChanges commits both with the change.</summary>
    public static void Queue(KefuDbContext db, WebhookDelivery delivery, DateTimeOffset now)
    {
        db.WebhookDeliveries.Add(delivery);
        WebhookJobs.Enqueue(db, delivery, now);
    }
}
