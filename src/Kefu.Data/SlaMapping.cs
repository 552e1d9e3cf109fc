using System.Text.Json;
using Kefu.Core.Agents;
using Kefu.Core.Calendars;
using Kefu.Core.Common;
using Kefu.Core.Sla;
using Kefu.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Kefu.Data;

/// <summary>Business calendars, SLA policies, SLA events, the SLA columns of conversations and agents' routing profile.</summary>
internal static class SlaMapping
{
    internal static void Map(ModelBuilder b)
    {
        b.Entity<BusinessCalendar>(e =>
        {
            e.ToTable("BusinessCalendars");
            e.HasKey(c => c.Id);
            e.Property(c => c.Name).HasMaxLength(Limits.Name);
            e.Property(c => c.TimeZone).HasMaxLength(BusinessCalendar.TimeZoneLength);
            e.Property(c => c.Slots).HasConversion(Json<List<OpeningSlot>>(), Comparer<List<OpeningSlot>>());
            e.Property(c => c.Holidays).HasConversion(Json<List<Holiday>>(), Comparer<List<Holiday>>());
            e.Property(c => c.Version).IsConcurrencyToken();
            e.HasIndex(c => c.Name).IsUnique();
        });

        b.Entity<SlaPolicy>(e =>
        {
            e.ToTable("SlaPolicies");
            e.HasKey(p => p.Id);
            e.Property(p => p.Name).HasMaxLength(Limits.Name);
            e.Property(p => p.Channels).HasConversion(Json<List<Channel>>(), Comparer<List<Channel>>());
            e.Property(p => p.Priorities).HasConversion(Json<List<Priority>>(), Comparer<List<Priority>>());
            e.Property(p => p.Segments).HasConversion(Json<List<CustomerSegment>>(), Comparer<List<CustomerSegment>>());
            e.Property(p => p.Escalations).HasConversion(Json<List<EscalationLevel>>(), Comparer<List<EscalationLevel>>());
            e.Property(p => p.Version).IsConcurrencyToken();
            e.Ignore(p => p.Targets);
            e.Ignore(p => p.Specificity);
            e.HasIndex(p => p.Name).IsUnique();
            e.HasOne<BusinessCalendar>().WithMany().HasForeignKey(p => p.CalendarId).OnDelete(DeleteBehavior.Restrict);
        });

        b.Entity<SlaEventRecord>(e =>
        {
            e.ToTable("SlaEvents");
            e.HasKey(x => x.Id);
            e.Property(x => x.Metric).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            // A warning, breach or escalation level is written once per clock cycle, whoever notices it.
            e.HasIndex(x => new { x.ConversationId, x.Metric, x.Cycle, x.Kind, x.Level }).IsUnique();
            e.HasIndex(x => new { x.Kind, x.At });
            e.HasOne<Conversation>().WithMany().HasForeignKey(x => x.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<Conversation>(e =>
        {
            e.Ignore(c => c.Sla);
            e.HasIndex(c => c.NextSlaDueAt);
            e.HasIndex(c => c.FirstResponseDueAt);
            e.HasIndex(c => c.ResolutionDueAt);
            e.HasOne<SlaPolicy>().WithMany().HasForeignKey(c => c.SlaPolicyId).OnDelete(DeleteBehavior.SetNull);
        });

        b.Entity<Agent>(e =>
        {
            e.Property(a => a.Capacities).HasConversion(Json<Dictionary<Channel, int>>(), Comparer<Dictionary<Channel, int>>());
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
