using Kefu.Core.Webhooks;
using Kefu.Data;

namespace Kefu.Server.Features.Webhooks;

/// <summary>The durable job that sends one delivery.</summary>
public static class WebhookJobs
{
    public const string Kind = "webhook.deliver";

    public static void Enqueue(KefuDbContext db, WebhookDelivery delivery, DateTimeOffset now)
    {
        _ = db;
        _ = delivery;
        _ = now;
    }
}
