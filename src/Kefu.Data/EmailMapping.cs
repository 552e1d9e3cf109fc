using Kefu.Core.Channels.Email;
using Kefu.Core.Common;
using Kefu.Core.Agents;
using Kefu.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Data;

/// <summary>The e-mail channel's tables: inboxes and the log of every mail in and out.</summary>
internal static class EmailMapping
{
    internal static void Map(ModelBuilder b)
    {
        b.Entity<EmailInbox>(e =>
        {
            e.HasKey(i => i.Id);
            e.Property(i => i.Name).HasMaxLength(Limits.Name);
            e.Property(i => i.Address).HasMaxLength(Limits.Email);
            e.Property(i => i.DisplayName).HasMaxLength(Limits.Name);
            e.Property(i => i.ImapHost).HasMaxLength(255);
            e.Property(i => i.ImapSecurity).HasConversion<string>().HasMaxLength(20);
            e.Property(i => i.ImapUser).HasMaxLength(Limits.Email);
            e.Property(i => i.ImapPasswordProtected).HasMaxLength(2000);
            e.Property(i => i.ImapFolder).HasMaxLength(255);
            e.Property(i => i.SmtpHost).HasMaxLength(255);
            e.Property(i => i.SmtpSecurity).HasConversion<string>().HasMaxLength(20);
            e.Property(i => i.SmtpUser).HasMaxLength(Limits.Email);
            e.Property(i => i.SmtpPasswordProtected).HasMaxLength(2000);
            e.Property(i => i.Signature).HasMaxLength(Limits.Description);
            e.Property(i => i.LastError).HasMaxLength(2000);
            e.Ignore(i => i.FromName);
            e.HasIndex(i => i.Address);
            e.HasOne<Team>().WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.SetNull);
        });

        b.Entity<EmailMessage>(e =>
        {
            e.HasKey(m => m.Id);
            e.Property(m => m.Direction).HasConversion<string>().HasMaxLength(10);
            e.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(m => m.Key).HasMaxLength(64);
            e.Property(m => m.MessageId).HasMaxLength(500);
            e.Property(m => m.Address).HasMaxLength(Limits.Email);
            e.Property(m => m.Subject).HasMaxLength(Limits.Subject);
            e.Property(m => m.References).HasMaxLength(4000);
            e.Property(m => m.RawSha256).HasMaxLength(64);
            e.Property(m => m.ProviderId).HasMaxLength(200);
            e.Property(m => m.Error).HasMaxLength(2000);
            // A mail fetched twice (reconnect, restart, a second node) is taken in once.
            e.HasIndex(m => new { m.InboxId, m.Direction, m.Key }).IsUnique();
            e.HasIndex(m => m.Key);
            e.HasIndex(m => new { m.ConversationId, m.CreatedAt });
            e.HasIndex(m => m.MessageRowId);
            e.HasIndex(m => new { m.InboxId, m.Status, m.CreatedAt });
            e.HasOne<EmailInbox>().WithMany().HasForeignKey(m => m.InboxId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.SetNull);
        });
    }
}
