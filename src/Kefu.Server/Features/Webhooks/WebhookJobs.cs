using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Text;
using Kefu.Core.Common;
using Kefu.Core.Tickets;
using Kefu.Core.Webhooks;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Jobs;
using Kefu.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Webhooks;

/// <summary>Section "Webhooks": how deliveries are sent. Retries follow the job queue's delays (section "Jobs").</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>How long a receiver may take to answer one attempt.</summary>
    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 10;
}

public sealed record DeliverWebhook(Guid DeliveryId);

/// <summary>The durable job that sends one delivery.</summary>
public static class WebhookJobs
{
    public const string Kind = "webhook.deliver";
    public const string HttpClientName = "webhooks";

    public static void Enqueue(KefuDbContext db, WebhookDelivery delivery, DateTimeOffset now) =>
        JobQueue.Enqueue(db, Kind, new DeliverWebhook(delivery.Id), now, conversationId: delivery.ConversationId);
}

/// <summary>
/// Sends a delivery: signs the stored body with the target's current secrets (a fresh timestamp per attempt, the same
/// webhook-id every time), POSTs it, and logs the attempt. Any 2xx is delivered; anything else is retried with the job
/// queue's backoff. A final failure marks the delivery failed and, for an agent's reply to an API channel, leaves an
/// internal note on the conversation so the agent knows the customer did not get it.
/// </summary>
public sealed class WebhookSender(
    KefuDbContext db, IHttpClientFactory clients, TimeProvider clock, IOptions<WebhookOptions> options, RealtimePublisher realtime) : IJobHandler
{
    public async Task<JobOutcome> RunAsync(Job job, CancellationToken ct)
    {
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == job.PayloadAs<DeliverWebhook>().DeliveryId, ct);
        if (delivery is null)
        {
            return JobOutcome.Fail("The delivery no longer exists.");
        }

        if (delivery.Status == DeliveryStatus.Delivered)
        {
            return JobOutcome.Done;
        }

        var target = await TargetAsync(delivery, ct);
        if (target is null)
        {
            return JobOutcome.Fail($"The {delivery.Target.ToString().ToLowerInvariant()} is deleted, inactive or has no URL.");
        }

        var started = clock.GetUtcNow();
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        var timestamp = started.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Value.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(StandardWebhook.IdHeader, delivery.WebhookId);
        request.Headers.TryAddWithoutValidation(StandardWebhook.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(StandardWebhook.SignatureHeader, StandardWebhook.SignatureHeaderValue(target.Value.Secrets, delivery.WebhookId, timestamp, body));

        int? status = null;
        string? error = null;
        string? excerpt = null;
        var watch = Stopwatch.StartNew();
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
            try
            {
                using var response = await clients.CreateClient(WebhookJobs.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                status = (int)response.StatusCode;
                excerpt = await ExcerptAsync(response, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                error = $"No answer within {options.Value.TimeoutSeconds} s.";
            }
            catch (HttpRequestException e)
            {
                error = e.HttpRequestError == HttpRequestError.Unknown ? e.Message : $"{e.HttpRequestError}: {e.Message}";
            }
        }

        watch.Stop();
        var attempt = delivery.Record(clock.GetUtcNow(), status, watch.ElapsedMilliseconds, error, excerpt);
        db.WebhookAttempts.Add(attempt);
        await db.SaveChangesAsync(CancellationToken.None);
        return attempt.Succeeded ? JobOutcome.Done : JobOutcome.Retry(delivery.LastError ?? "failed");
    }

    public async Task OnFailedAsync(Job job, string error, CancellationToken ct)
    {
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == job.PayloadAs<DeliverWebhook>().DeliveryId, ct);
        if (delivery is null || delivery.Status != DeliveryStatus.Pending)
        {
            return;
        }

        delivery.GiveUp($"Gave up after {delivery.Attempts} attempt(s): {error}");
        await db.SaveChangesAsync(ct);
        if (delivery.Target != DeliveryTarget.Integration || delivery.ConversationId is not { } conversationId)
        {
            return;
        }

        var name = await db.Integrations.AsNoTracking().Where(i => i.Id == delivery.TargetId).Select(i => i.Name).FirstOrDefaultAsync(ct) ?? "integration";
        var note = $"⚠ 回复未能送达 {name}（已尝试 {delivery.Attempts} 次）/ The reply could not be delivered to {name} after {delivery.Attempts} attempt(s): {error}\n" +
            "管理员可在「集成 → 投递记录」中重新发送。/ An admin can send it again from Integrations → Deliveries.";
        var added = await ConversationCommands.AddMessageAsync(db, Actor.System, clock.GetUtcNow(), conversationId,
            new NewMessage(MessageKind.Note, WebhookDelivery.Cut(note, 4000), null, $"webhook-failed:{delivery.Id:N}:{delivery.Attempts}", null), ct);
        if (added.IsOk && added.Value.Created)
        {
            await realtime.MessageCreatedAsync(added.Value.Conversation, added.Value.Message);
        }
    }

    private async Task<(string Url, IReadOnlyList<string> Secrets)?> TargetAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        switch (delivery.Target)
        {
            case DeliveryTarget.Integration:
                var integration = await db.Integrations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == delivery.TargetId, ct);
                return integration is { IsActive: true, CallbackUrl: { } url } ? (url, integration.Secret.ActiveAt(now)) : null;
            case DeliveryTarget.Subscription:
                var subscription = await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == delivery.TargetId, ct);
                return subscription is { IsActive: true } ? (subscription.Url, subscription.Secret.ActiveAt(now)) : null;
            default:
                return null;
        }
    }

    /// <summary>The start of the receiver's answer, for the delivery log (never more than a few KiB is read).</summary>
    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[4096];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0)
        {
            read += n;
        }

        return read == 0 ? null : Encoding.UTF8.GetString(buffer, 0, read);
    }
}
