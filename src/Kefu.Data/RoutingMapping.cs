using System.Text.Json;
using Kefu.Core.Agents;
using Kefu.Core.Authority;
using Kefu.Core.Promises;
using Kefu.Core.Routing;
using Kefu.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Kefu.Data;

/// <summary>Routing settings and state, promises, follow-ups and delegated authority (compensation approvals).</summary>
internal static class RoutingMapping
{
    internal static void Map(ModelBuilder b)
    {
        b.Entity<RoutingConfig>(e =>
        {
            e.ToTable("RoutingConfig");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.DefaultStrategy).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.CategoryTeams).HasConversion(Json<Dictionary<Guid, Guid>>(), Comparer<Dictionary<Guid, Guid>>());
            e.Property(x => x.CategorySkills).HasConversion(Json<Dictionary<Guid, string>>(), Comparer<Dictionary<Guid, string>>());
            e.Property(x => x.FirstResponseMinutes).HasConversion(Json<Dictionary<Channel, int>>(), Comparer<Dictionary<Channel, int>>());
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasOne<Team>().WithMany().HasForeignKey(x => x.VipTeamId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne<Team>().WithMany().HasForeignKey(x => x.DefaultTeamId).OnDelete(DeleteBehavior.SetNull);
        });

        b.Entity<TeamRoutingRule>(e =>
        {
            e.ToTable("TeamRouting");
            e.HasKey(x => x.TeamId);
            e.Property(x => x.Strategy).HasConversion<string>().HasMaxLength(20);
            e.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Team>().WithMany().HasForeignKey(x => x.OverflowTeamId).OnDelete(DeleteBehavior.SetNull);
        });

        b.Entity<ConversationRouting>(e =>
        {
            e.ToTable("ConversationRouting");
            e.HasKey(x => x.ConversationId);
            e.Property(x => x.Offers).HasConversion(Json<List<RoutingOffer>>(), Comparer<List<RoutingOffer>>());
            // The queue: only waiting conversations have QueuedSince, so the routing worker reads a small index range.
            e.HasIndex(x => x.QueuedSince);
            e.HasIndex(x => new { x.LastAgentId, x.LastOfferedAt });
            e.HasOne<Conversation>().WithOne().HasForeignKey<ConversationRouting>(x => x.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<Promise>(e =>
        {
            e.ToTable("Promises");
            e.HasKey(x => x.Id);
            e.Property(x => x.Text).HasMaxLength(Promise.MaxText);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.Ignore(x => x.RemindAt);
            e.HasIndex(x => new { x.AgentId, x.Status, x.DueAt });
            e.HasIndex(x => x.ConversationId);
            e.HasOne<Conversation>().WithMany().HasForeignKey(x => x.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<FollowUp>(e =>
        {
            e.ToTable("FollowUps");
            e.HasKey(x => x.Id);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(x => new { x.ConversationId, x.Status });
            e.HasIndex(x => new { x.AgentId, x.Status, x.DueAt });
            e.HasOne<Conversation>().WithMany().HasForeignKey(x => x.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<FollowUpSettings>(e =>
        {
            e.ToTable("FollowUpSettings");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.CategoryHours).HasConversion(Json<Dictionary<Guid, int>>(), Comparer<Dictionary<Guid, int>>());
        });

        b.Entity<AuthorityLimits>(e =>
        {
            e.ToTable("AuthorityLimits");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Currency).HasMaxLength(3);
        });

        b.Entity<CompensationRequest>(e =>
        {
            e.ToTable("CompensationRequests");
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            // Two supervisors deciding at once: the second save finds the status changed and fails.
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20).IsConcurrencyToken();
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.Reason).HasMaxLength(CompensationRequest.MaxReason);
            e.Property(x => x.DecisionNote).HasMaxLength(CompensationRequest.MaxReason);
            e.Property(x => x.RequestedByName).HasMaxLength(Kefu.Core.Common.Limits.Name);
            e.Property(x => x.DecidedByName).HasMaxLength(Kefu.Core.Common.Limits.Name);
            e.HasIndex(x => new { x.Status, x.CreatedAt });
            e.HasIndex(x => x.ConversationId);
            e.HasOne<Conversation>().WithMany().HasForeignKey(x => x.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static ValueConverter<T, string> Json<T>()
        where T : new() =>
        new(v => JsonSerializer.Serialize(v, Options), v => JsonSerializer.Deserialize<T>(v, Options) ?? new T());

    private static ValueComparer<T> Comparer<T>()
        where T : new() =>
        new(
            (x, y) => JsonSerializer.Serialize(x, Options) == JsonSerializer.Serialize(y, Options),
            v => JsonSerializer.Serialize(v, Options).GetHashCode(),
            v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, Options), Options) ?? new T());
}
