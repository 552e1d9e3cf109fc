using Kefu.Core.Channels.Api;
using Kefu.Core.Channels.Phone;
using Kefu.Core.Channels.WebForms;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Kefu.Data;

/// <summary>Mapping of the API channel, event webhooks (subscriptions, deliveries, attempts), phone and web forms.</summary>
internal static class IntegrationMapping
{
    internal static void Map(ModelBuilder b)
    {
        b.Entity<Integration>(e =>
        {
            e.HasKey(i => i.Id);
            e.Property(i => i.Name).HasMaxLength(Limits.Name);
            e.Property(i => i.IdentitySource).HasMaxLength(Limits.IdentitySource);
            e.Property(i => i.CallbackUrl).HasMaxLength(Limits.Url);
            Secret(e.ComplexProperty(i => i.Secret));
            e.HasOne<Kefu.Core.Agents.Team>().WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.SetNull);
        });

        b.Entity<ApiContact>(e =>
        {
            e.HasKey(c => c.Id);
            e.Property(c => c.ContactId).HasMaxLength(ApiContact.MaxContactId);
            e.HasIndex(c => new { c.IntegrationId, c.ContactId }).IsUnique();
            e.HasIndex(c => c.ConversationId);
            e.HasOne<Integration>().WithMany().HasForeignKey(c => c.IntegrationId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Conversation>().WithMany().HasForeignKey(c => c.ConversationId).OnDelete(DeleteBehavior.SetNull);
        });

        b.Entity<WebhookSubscription>(e =>
        {
            e.HasKey(s => s.Id);
            e.Property(s => s.Name).HasMaxLength(Limits.Name);
            e.Property(s => s.Url).HasMaxLength(Limits.Url);
            Secret(e.ComplexProperty(s => s.Secret));
        });

        b.Entity<WebhookDelivery>(e =>
        {
            e.HasKey(d => d.Id);
            e.Property(d => d.Target).HasConversion<string>().HasMaxLength(20);
            e.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(d => d.EventType).HasMaxLength(50);
            e.Property(d => d.LastError).HasMaxLength(WebhookDelivery.MaxError + 1);
            e.Ignore(d => d.WebhookId);
            e.HasIndex(d => new { d.TargetId, d.CreatedAt });
            e.HasIndex(d => new { d.Status, d.CreatedAt });
            e.HasIndex(d => d.ConversationId);
        });

        b.Entity<WebhookAttempt>(e =>
        {
            e.HasKey(a => a.Id);
            e.Property(a => a.Error).HasMaxLength(WebhookDelivery.MaxError + 1);
            e.Property(a => a.ResponseExcerpt).HasMaxLength(WebhookAttempt.MaxExcerpt + 1);
            e.HasIndex(a => new { a.DeliveryId, a.Number });
            e.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<CallLog>(e =>
        {
            e.HasKey(c => c.Id);
            e.Property(c => c.Direction).HasConversion<string>().HasMaxLength(20);
            e.Property(c => c.Outcome).HasConversion<string>().HasMaxLength(20);
            e.Property(c => c.Number).HasMaxLength(Limits.IdentityValue);
            e.Property(c => c.ExternalCallId).HasMaxLength(CallLog.MaxExternalId);
            e.Property(c => c.RecordingUrl).HasMaxLength(Limits.Url);
            e.Property(c => c.Notes).HasMaxLength(CallLog.MaxNotes);
            e.HasIndex(c => c.ExternalCallId).IsUnique();
            e.HasIndex(c => new { c.ConversationId, c.StartedAt });
            e.HasIndex(c => new { c.Number, c.StartedAt });
            e.HasOne<Conversation>().WithMany().HasForeignKey(c => c.ConversationId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Message>().WithMany().HasForeignKey(c => c.MessageId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Kefu.Core.Agents.Agent>().WithMany().HasForeignKey(c => c.AgentId).OnDelete(DeleteBehavior.SetNull);
        });

        b.Entity<CallbackRequest>(e =>
        {
            e.HasKey(c => c.Id);
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(c => c.Number).HasMaxLength(Limits.IdentityValue);
            e.Property(c => c.Notes).HasMaxLength(CallbackRequest.MaxNotes);
            e.HasIndex(c => new { c.Status, c.DueAt });
            e.HasIndex(c => c.CustomerId);
            e.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Conversation>().WithMany().HasForeignKey(c => c.ConversationId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne<Kefu.Core.Agents.Agent>().WithMany().HasForeignKey(c => c.AssigneeId).OnDelete(DeleteBehavior.SetNull);
        });

        b.Entity<WebForm>(e =>
        {
            e.HasKey(f => f.Id);
            e.Property(f => f.Name).HasMaxLength(Limits.Name);
            e.Property(f => f.TitleEn).HasMaxLength(Limits.Name);
            e.Property(f => f.TitleZh).HasMaxLength(Limits.Name);
            e.Property(f => f.IntroEn).HasMaxLength(Limits.Description);
            e.Property(f => f.IntroZh).HasMaxLength(Limits.Description);
            e.HasOne<Kefu.Core.Agents.Team>().WithMany().HasForeignKey(f => f.TeamId).OnDelete(DeleteBehavior.SetNull);
        });
    }

    private static void Secret(ComplexPropertyBuilder<SigningSecret> secret)
    {
        secret.Property(s => s.Current).HasColumnName("Secret").HasMaxLength(100);
        secret.Property(s => s.Previous).HasColumnName("PreviousSecret").HasMaxLength(100);
        secret.Property(s => s.PreviousUntil).HasColumnName("PreviousSecretUntil");
    }
}
