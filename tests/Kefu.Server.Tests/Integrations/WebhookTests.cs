using Kefu.Core.Webhooks;
using Kefu.Server.Features.ApiChannel;
using Kefu.Server.Features.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.Server.Tests.Integrations;

public sealed class WebhookTests(Apps apps) : ServerTest(apps)
{
    private const string Webhooks = "/api/v1/webhooks";

    private static Task<WebhookSubscriptionDto> SubscribeAsync(Caller admin, string url, params string[] types) =>
        admin.Http.PostJsonAsync(Webhooks, new { name = "CRM " + Unique.Id(), url, eventTypes = types }).ReadAsync<WebhookSubscriptionDto>(HttpStatusCode.Created);

    /// <summary>Subscriptions receive every later event of the shared test server: switch them off at the end.</summary>
    private static Task UnsubscribeAsync(Caller admin, WebhookSubscriptionDto s) => admin.Http.DeleteAsync($"{Webhooks}/{s.Id}");

    private static Task<List<WebhookDeliveryDto>> DeliveriesAsync(Caller admin, Guid targetId) =>
        admin.Http.GetAsync($"/api/v1/webhook-deliveries?targetId={targetId}&limit=200").ReadAsync<List<WebhookDeliveryDto>>(HttpStatusCode.OK);

    [Theory, MemberData(nameof(Providers))]
    public async Task Delivery_ReceiverFailsTwiceThenSucceeds_IsRetriedWithTheSameIdAndLogged(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        await using var receiver = await WebhookReceiver.StartAsync(call => call <= 2 ? 503 : 204);
        var subscription = await SubscribeAsync(admin, receiver.Url, WebhookEvents.ConversationCreated);
        try
        {
            var conversation = (await admin.Http.CreateConversationAsync(text: "webhook retry " + Unique.Id())).Conversation;

            var delivered = await receiver.WaitAsync(r => r.AnsweredWith == 204);
            var log = await Wait.ForAsync(() => DeliveriesAsync(admin, subscription.Id), l => l.Any(d => d.Status == DeliveryStatus.Delivered));
            var delivery = Assert.Single(log);
            var detail = await admin.Http.GetAsync($"/api/v1/webhook-deliveries/{delivery.Id}").ReadAsync<WebhookDeliveryDetail>(HttpStatusCode.OK);

            Assert.Equal([503, 503, 204], receiver.Received.Select(r => r.AnsweredWith));
            Assert.Single(receiver.Received.Select(r => r.Id).Distinct());
            Assert.Equal(delivery.WebhookId, delivered.Id);
            Assert.All(receiver.Received, r =>
                Assert.Equal(SignatureCheck.Valid, StandardWebhook.Verify([subscription.Secret!], r.Id, r.Timestamp, r.Signature, r.Body, DateTimeOffset.UtcNow)));
            Assert.Equal("conversation.created", delivered.Json.GetProperty("type").GetString());
            Assert.Equal(conversation.Id, delivered.Json.GetProperty("data").GetProperty("conversation").GetProperty("id").GetGuid());
            Assert.Equal(3, delivery.Attempts);
            Assert.Equal([503, 503, 204], detail.Attempts.Select(a => a.StatusCode ?? 0));
            Assert.Equal([false, false, true], detail.Attempts.Select(a => a.Succeeded));
            Assert.Equal("receiver says no", detail.Attempts[0].ResponseExcerpt);
            Assert.Equal(conversation.Id, delivery.ConversationId);
        }
        finally
        {
            await UnsubscribeAsync(admin, subscription);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Delivery_FailsForGood_IsFailed_ThenReplayDeliversIt(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        await using var receiver = await WebhookReceiver.StartAsync(_ => 500);
        var subscription = await SubscribeAsync(admin, receiver.Url, WebhookEvents.ConversationCreated);
        try
        {
            await admin.Http.CreateConversationAsync(text: "webhook give up " + Unique.Id());

            // The test settings retry three times: four attempts, then the delivery has failed.
            var failed = Assert.Single(await Wait.ForAsync(() => DeliveriesAsync(admin, subscription.Id), l => l.Any(d => d.Status == DeliveryStatus.Failed)));
            Assert.Equal(4, failed.Attempts);
            Assert.Contains("Gave up after 4 attempt(s)", failed.LastError);

            receiver.StatusFor = _ => 200;
            var replay = await admin.Http.PostAsync($"/api/v1/webhook-deliveries/{failed.Id}/replay", null).ReadAsync<WebhookDeliveryDetail>(HttpStatusCode.Accepted);
            var delivered = await Wait.ForAsync(() => DeliveriesAsync(admin, subscription.Id), l => l.Single().Status == DeliveryStatus.Delivered);

            Assert.Equal(5, delivered.Single().Attempts);
            Assert.Equal(failed.WebhookId, receiver.Received.Last().Id);
            Assert.Equal(200, receiver.Received.Last().AnsweredWith);
            Assert.Equal(failed.WebhookId, replay.Delivery.WebhookId);
        }
        finally
        {
            await UnsubscribeAsync(admin, subscription);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Outbox_EventsFollowTheChanges_OnlyForSubscribedTypes(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await SubscribeAsync(admin, receiver.Url,
            WebhookEvents.MessageCreated, WebhookEvents.ConversationUpdated, WebhookEvents.ConversationResolved);
        try
        {
            var conversation = (await admin.Http.CreateConversationAsync(text: "events " + Unique.Id())).Conversation;
            await admin.Http.PostJsonAsync($"{Api.Conversations}/{conversation.Id}/messages", new { text = "on it" }).ExpectAsync(HttpStatusCode.Created);
            await admin.Http.PatchConversationAsync(conversation.Id, new { status = "resolved" });

            var log = await Wait.ForAsync(() => DeliveriesAsync(admin, subscription.Id), l => l.Count == 5 && l.All(d => d.Status == DeliveryStatus.Delivered));
            var types = log.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).Select(d => d.EventType).ToList();

            // created → message.created (no conversation.created: not subscribed); reply → message.created + updated (new → open);
            // resolve → updated + resolved.
            Assert.Equal(new[] { "message.created", "conversation.updated", "conversation.resolved", "message.created", "conversation.updated" }.Order(), types.Order());
            Assert.All(log, d => Assert.Equal(conversation.Id, d.ConversationId));
            var resolved = receiver.Received.Single(r => r.Json.GetProperty("type").GetString() == "conversation.resolved").Json.GetProperty("data");
            Assert.Equal("resolved", resolved.GetProperty("conversation").GetProperty("status").GetString());
            Assert.Contains(resolved.GetProperty("changes").EnumerateArray(), c => c.GetProperty("field").GetString() == "status" && c.GetProperty("after").GetString() == "resolved");
            Assert.Equal("integration", resolved.GetProperty("actor").GetProperty("kind").GetString());
        }
        finally
        {
            await UnsubscribeAsync(admin, subscription);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Outbox_FailedChange_WritesNoDelivery(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await SubscribeAsync(admin, receiver.Url, WebhookEvents.ConversationUpdated);
        try
        {
            var conversation = (await admin.Http.CreateConversationAsync(text: "no change " + Unique.Id())).Conversation;

            await admin.Http.PatchJsonAsync($"{Api.Conversations}/{conversation.Id}", new { status = "closed" }).ProblemAsync(HttpStatusCode.BadRequest);
            await admin.Http.PatchJsonAsync($"{Api.Conversations}/{conversation.Id}", new { priority = "high" }, ifMatch: "\"999\"").ProblemAsync(HttpStatusCode.Conflict);
            await admin.Http.PatchConversationAsync(conversation.Id, new { priority = "normal" });

            Assert.Empty(await DeliveriesAsync(admin, subscription.Id));
            Assert.False(await app.DbAsync(db => db.WebhookDeliveries.AnyAsync(d => d.ConversationId == conversation.Id && d.TargetId == subscription.Id)));
        }
        finally
        {
            await UnsubscribeAsync(admin, subscription);
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ApiReply_FailsForGood_LeavesAnInternalNoteOnTheConversation(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        await using var receiver = await WebhookReceiver.StartAsync(_ => 502);
        var integration = await ApiChannelTests.CreateIntegrationAsync(admin, receiver.Url);
        var inbound = await ApiChannelTests.PostSignedAsync(app.Anonymous(), integration, integration.Secret!, new { messageId = Unique.Id(), contactId = "c" + Unique.Id(), text = "hi" })
            .ReadAsync<InboundApiResult>(HttpStatusCode.Created);

        await admin.Http.PostJsonAsync($"{Api.Conversations}/{inbound.ConversationId}/messages", new { text = "hello" }).ExpectAsync(HttpStatusCode.Created);

        var detail = await Wait.ForAsync(() => admin.Http.GetConversationAsync(inbound.ConversationId), d => d.Messages.Any(m => m.Kind == Kefu.Core.Tickets.MessageKind.Note));
        var note = detail.Messages.Single(m => m.Kind == Kefu.Core.Tickets.MessageKind.Note);
        Assert.Contains("could not be delivered", note.Text);
        Assert.Contains("HTTP 502", note.Text);
        Assert.Equal(4, receiver.Received.Count);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Ping_DeliversATestEvent(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await SubscribeAsync(admin, receiver.Url, WebhookEvents.SlaBreached);
        try
        {
            await admin.Http.PostAsync($"{Webhooks}/{subscription.Id}/test", null).ExpectAsync(HttpStatusCode.Accepted);

            var got = await receiver.WaitAsync(_ => true);
            Assert.Equal("webhook.ping", got.Json.GetProperty("type").GetString());
            var invalid = await admin.Http.PostJsonAsync(Webhooks, new { name = "x", url = "https://x.example.com", eventTypes = new[] { "ticket.exploded" } }).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("eventTypes", invalid.Fields);
        }
        finally
        {
            await UnsubscribeAsync(admin, subscription);
        }
    }
    [Theory, MemberData(nameof(Providers))]
    public async Task SlaBreach_WritesOneSlaBreachedDeliveryWithTheBreach(string provider)
    {
        var app = await FakeClockAppAsync(provider);
        var admin = await app.AdminAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var subscription = await SubscribeAsync(admin, receiver.Url, WebhookEvents.SlaBreached);
        try
        {
            var category = await Sla.SlaApiTests.NewCategoryAsync(admin);
            await admin.Http.PostJsonAsync(Sla.SlaApiTests.Policies, new { name = "Webhook policy " + Unique.Id(), position = 0, categoryIds = new[] { category }, targets = new { firstResponseMinutes = 10 } })
                .ExpectAsync(HttpStatusCode.Created);
            var conversation = (await admin.Http.CreateConversationAsync(Api.NewConversation(categoryId: category))).Conversation;

            app.Clock!.Advance(TimeSpan.FromMinutes(11));
            for (var i = 0; i < 2; i++)
            {
                await using var scope = app.Services.CreateAsyncScope();
                await Kefu.Server.Features.Sla.SlaWorker.RunOnceAsync(scope.ServiceProvider, app.Clock.GetUtcNow(), 200, CancellationToken.None);
            }

            var deliveries = await app.DbAsync(db => db.WebhookDeliveries.Where(d => d.TargetId == subscription.Id && d.ConversationId == conversation.Id).ToListAsync());
            var breach = Assert.Single(deliveries);
            Assert.Equal(WebhookEvents.SlaBreached, breach.EventType);
            var data = JsonDocument.Parse(breach.Payload).RootElement.GetProperty("data");
            Assert.Equal("first_response", data.GetProperty("metric").GetString());
            Assert.Equal(conversation.Id, data.GetProperty("conversation").GetProperty("id").GetGuid());
        }
        finally
        {
            await UnsubscribeAsync(admin, subscription);
        }
    }
}
