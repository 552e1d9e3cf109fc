using Kefu.Core.Common;
using Kefu.Core.Webhooks;

namespace Kefu.Core.Tests.Webhooks;

public sealed class WebhookDeliveryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 16, 59, 0, TimeSpan.Zero);

    private static WebhookDelivery NewDelivery() =>
        WebhookDelivery.Create(DeliveryTarget.Subscription, Guid.Parse("0195a3c0-0000-7000-8000-000000000001"), WebhookEvents.MessageCreated, "{}", null, Now);

    [Theory]
    [InlineData(200, null, true)]
    [InlineData(204, null, true)]
    [InlineData(299, null, true)]
    [InlineData(301, null, false)]
    [InlineData(404, null, false)]
    [InlineData(500, null, false)]
    [InlineData(null, "connection refused", false)]
    [InlineData(200, "response read timed out", false)]
    public void Record_Table(int? status, string? error, bool delivered)
    {
        var delivery = NewDelivery();

        var attempt = delivery.Record(Now.AddSeconds(1), status, 12, error, "ok");

        Assert.Equal(delivered, attempt.Succeeded);
        Assert.Equal(delivered ? DeliveryStatus.Delivered : DeliveryStatus.Pending, delivery.Status);
        Assert.Equal(1, delivery.Attempts);
        Assert.Equal(1, attempt.Number);
        Assert.Equal(delivered ? null : error ?? $"HTTP {status}", delivery.LastError);
        Assert.Equal(delivered ? Now.AddSeconds(1) : null, delivery.DeliveredAt);
    }

    [Fact]
    public void FailThenSucceed_CountsAttemptsAndClearsTheError()
    {
        var delivery = NewDelivery();

        delivery.Record(Now, 503, 5, null, "busy");
        var second = delivery.Record(Now.AddSeconds(30), 200, 5, null, null);

        Assert.Equal(2, second.Number);
        Assert.Equal(DeliveryStatus.Delivered, delivery.Status);
        Assert.Null(delivery.LastError);
        Assert.Equal(200, delivery.LastStatusCode);
    }

    [Fact]
    public void GiveUp_MarksAPendingDeliveryFailed_ButNeverADeliveredOne()
    {
        var failed = NewDelivery();
        failed.Record(Now, 500, 5, null, null);
        failed.GiveUp("gave up after 1 attempt");
        var delivered = NewDelivery();
        delivered.Record(Now, 200, 5, null, null);
        delivered.GiveUp("late");

        Assert.Equal(DeliveryStatus.Failed, failed.Status);
        Assert.Equal("gave up after 1 attempt", failed.LastError);
        Assert.Equal(DeliveryStatus.Delivered, delivered.Status);
    }

    [Fact]
    public void Replay_MakesItPendingAgain_KeepingIdAndBody_ButNotBeforeTheFirstAttempt()
    {
        var fresh = NewDelivery();
        Assert.IsType<Conflict>(fresh.Replay().Error);

        var failed = NewDelivery();
        failed.Record(Now, 500, 5, null, null);
        failed.GiveUp("x");
        var id = failed.WebhookId;

        Assert.True(failed.Replay().IsOk);
        Assert.Equal(DeliveryStatus.Pending, failed.Status);
        Assert.Equal(id, failed.WebhookId);
        Assert.StartsWith("msg_", id);
    }

    [Fact]
    public void Record_LongResponse_IsCut()
    {
        var attempt = NewDelivery().Record(Now, 500, 5, null, new string('x', 5000));

        Assert.Equal(WebhookAttempt.MaxExcerpt + 1, attempt.ResponseExcerpt!.Length);
    }

    [Theory]
    [InlineData(new[] { "message.created" }, true)]
    [InlineData(new[] { "conversation.created", "sla.breached" }, true)]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "message.deleted" }, false)]
    public void Subscription_EventTypes_MustBeKnown(string[] types, bool ok)
    {
        var created = WebhookSubscription.Create(Guid.NewGuid(), new("CRM", "https://crm.example.com/hook", types), "whsec_x", Now);

        Assert.Equal(ok, created.IsOk);
        if (!ok)
        {
            Assert.Contains("eventTypes", Assert.IsType<Invalid>(created.Error).Fields.Keys);
        }
    }

    [Theory]
    [InlineData("https://crm.example.com/hook", true)]
    [InlineData("http://127.0.0.1:9000/hook?x=1", true)]
    [InlineData("ftp://crm.example.com/hook", false)]
    [InlineData("https://user:pw@crm.example.com/hook", false)]
    [InlineData("/relative", false)]
    [InlineData("", false)]
    public void Subscription_Url_Table(string url, bool ok) =>
        Assert.Equal(ok, WebhookSubscription.Create(Guid.NewGuid(), new("CRM", url, [WebhookEvents.MessageCreated]), "whsec_x", Now).IsOk);

    [Fact]
    public void Subscription_Wants_OnlyChosenTypesWhileActive()
    {
        var s = WebhookSubscription.Create(Guid.NewGuid(), new("CRM", "https://crm.example.com", [WebhookEvents.MessageCreated, WebhookEvents.MessageCreated]), "whsec_x", Now).Value;

        Assert.Equal([WebhookEvents.MessageCreated], s.EventTypes);
        Assert.True(s.Wants(WebhookEvents.MessageCreated));
        Assert.False(s.Wants(WebhookEvents.ConversationCreated));
        s.Apply(new("CRM", "https://crm.example.com", [WebhookEvents.MessageCreated], IsActive: false));
        Assert.False(s.Wants(WebhookEvents.MessageCreated));
    }
}
