using System.Text.Json;
using System.Text.Json.Serialization;
using Kefu.Core.Bot;
using Kefu.Core.Bot.Flows;
using Kefu.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Kefu.Data;

/// <summary>
/// Bot flows (one row per flow; its steps, triggers and inboxes as JSON: small, always read and written whole) and the
/// flow run kept with a conversation's bot session.
/// </summary>
internal static class BotFlowMapping
{
    internal static void Map(ModelBuilder b)
    {
        b.Entity<BotFlow>(e =>
        {
            e.ToTable("BotFlows");
            e.HasKey(f => f.Id);
            e.Property(f => f.Name).HasMaxLength(Limits.Name);
            e.Property(f => f.FaqKey).HasMaxLength(Limits.Name);
            e.Property(f => f.InboxIds).HasConversion(Json<List<Guid>>(), Comparer<List<Guid>>());
            e.Property(f => f.TriggersZh).HasConversion(Json<List<string>>(), Comparer<List<string>>());
            e.Property(f => f.TriggersEn).HasConversion(Json<List<string>>(), Comparer<List<string>>());
            e.Property(f => f.Steps).HasConversion(Json<List<FlowStep>>(), Comparer<List<FlowStep>>());
            e.Property(f => f.Version).IsConcurrencyToken();
            e.Ignore(f => f.Content);
            e.HasIndex(f => f.Name).IsUnique();
            e.HasIndex(f => f.Enabled);
        });

        b.Entity<BotSession>(e => e.Property(s => s.Flow).HasConversion(
            new ValueConverter<FlowRun?, string?>(v => v == null ? null : JsonSerializer.Serialize(v, Options), v => v == null ? null : JsonSerializer.Deserialize<FlowRun>(v, Options)),
            new ValueComparer<FlowRun?>(
                (x, y) => JsonSerializer.Serialize(x, Options) == JsonSerializer.Serialize(y, Options),
                v => JsonSerializer.Serialize(v, Options).GetHashCode(),
                v => v == null ? null : JsonSerializer.Deserialize<FlowRun>(JsonSerializer.Serialize(v, Options), Options))));
    }

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
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
