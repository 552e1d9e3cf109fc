using System.Text.Json;
using Kefu.Core.Bot;
using Kefu.Core.Channels.Chat;
using Kefu.Core.Common;
using Kefu.Core.Knowledge;
using Kefu.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Kefu.Data;

/// <summary>
/// Knowledge base (categories, FAQ entries, articles, revisions, content gaps), the bot's per-inbox settings and
/// per-conversation state, and the assistant's columns on messages (category suggestion, sentiment, quick replies).
/// </summary>
internal static class KnowledgeMapping
{
    public const string KbCounter = KnowledgeVersion.Counter;

    internal static void Map(ModelBuilder b, bool postgres)
    {
        b.Entity<Counter>().HasData(new Counter { Name = KbCounter, Value = 0 });

        b.Entity<KbCategory>(e =>
        {
            e.ToTable("KbCategories");
            e.HasKey(c => c.Id);
            e.Property(c => c.Slug).HasMaxLength(KbLimits.Key);
            e.Property(c => c.NameZh).HasMaxLength(Limits.Name);
            e.Property(c => c.NameEn).HasMaxLength(Limits.Name);
            e.Property(c => c.DescriptionZh).HasMaxLength(Limits.Description);
            e.Property(c => c.DescriptionEn).HasMaxLength(Limits.Description);
            e.HasIndex(c => c.Slug).IsUnique();
        });

        b.Entity<Faq>(e =>
        {
            e.ToTable("Faqs");
            e.HasKey(f => f.Id);
            e.Property(f => f.Language).HasMaxLength(Limits.Language);
            e.Property(f => f.Key).HasMaxLength(KbLimits.Key);
            e.Property(f => f.Question).HasMaxLength(KbLimits.Question);
            e.Property(f => f.Answer).HasMaxLength(KbLimits.Answer);
            e.Property(f => f.Similar).HasConversion(Json<List<string>>(), Comparer<List<string>>());
            e.Property(f => f.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(f => f.Version).IsConcurrencyToken();
            e.HasIndex(f => new { f.Language, f.Key }).IsUnique();
            e.HasIndex(f => new { f.Language, f.Status });
            e.HasIndex(f => f.CategoryId);
            e.HasOne<KbCategory>().WithMany().HasForeignKey(f => f.CategoryId).OnDelete(DeleteBehavior.SetNull);
            Trigram(e.HasIndex(f => f.Question), postgres);
        });

        b.Entity<Article>(e =>
        {
            e.ToTable("Articles");
            e.HasKey(a => a.Id);
            e.Property(a => a.Language).HasMaxLength(Limits.Language);
            e.Property(a => a.Slug).HasMaxLength(KbLimits.Key);
            e.Property(a => a.Title).HasMaxLength(KbLimits.Title);
            e.Property(a => a.Summary).HasMaxLength(KbLimits.Summary);
            e.Property(a => a.Body).HasMaxLength(KbLimits.Body);
            e.Property(a => a.Html).HasMaxLength(KbLimits.Html);
            e.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(a => a.Version).IsConcurrencyToken();
            e.HasIndex(a => new { a.Language, a.Slug }).IsUnique();
            e.HasIndex(a => new { a.Language, a.Status, a.CategoryId });
            e.HasOne<KbCategory>().WithMany().HasForeignKey(a => a.CategoryId).OnDelete(DeleteBehavior.SetNull);
            Trigram(e.HasIndex(a => a.Title), postgres);
        });

        b.Entity<KbRevision>(e =>
        {
            e.ToTable("KbRevisions");
            e.HasKey(r => r.Id);
            e.Property(r => r.ItemKind).HasConversion<string>().HasMaxLength(20);
            e.Property(r => r.Key).HasMaxLength(KbLimits.Key);
            e.Property(r => r.Title).HasMaxLength(KbLimits.Title > KbLimits.Question ? KbLimits.Title : KbLimits.Question);
            e.Property(r => r.Summary).HasMaxLength(KbLimits.Summary);
            e.Property(r => r.Body).HasMaxLength(KbLimits.Body);
            e.Property(r => r.Similar).HasConversion(Json<List<string>>(), Comparer<List<string>>());
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(r => r.ActorName).HasMaxLength(Limits.Name);
            e.HasIndex(r => new { r.ItemId, r.Number }).IsUnique();
        });

        b.Entity<FaqExample>(e =>
        {
            e.ToTable("FaqExamples");
            e.HasKey(x => x.Id);
            e.Property(x => x.Language).HasMaxLength(Limits.Language);
            e.Property(x => x.FaqKey).HasMaxLength(KbLimits.Key);
            e.Property(x => x.Text).HasMaxLength(KbLimits.Question);
            e.HasIndex(x => new { x.Language, x.FaqKey, x.Text }).IsUnique();
        });

        b.Entity<ContentGap>(e =>
        {
            e.ToTable("ContentGaps");
            e.HasKey(g => g.Id);
            e.Property(g => g.Source).HasConversion<string>().HasMaxLength(20);
            e.Property(g => g.Language).HasMaxLength(Limits.Language);
            e.Property(g => g.Text).HasMaxLength(KbLimits.GapText);
            e.Property(g => g.Normalized).HasMaxLength(KbLimits.GapText);
            e.HasIndex(g => new { g.Source, g.Language, g.Normalized }).IsUnique();
            e.HasIndex(g => new { g.ResolvedAt, g.LastAt });
        });

        b.Entity<BotSettings>(e =>
        {
            e.ToTable("BotSettings");
            e.HasKey(s => s.InboxId);
            e.Property(s => s.AmountThreshold).HasPrecision(18, 2);
            e.Property(s => s.GreetingZh).HasMaxLength(Limits.Description);
            e.Property(s => s.GreetingEn).HasMaxLength(Limits.Description);
            e.Ignore(s => s.Rules);
            e.Ignore(s => s.Thresholds);
            e.Ignore(s => s.Content);
            e.HasOne<ChatInbox>().WithOne().HasForeignKey<BotSettings>(s => s.InboxId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<BotSession>(e =>
        {
            e.ToTable("BotSessions");
            e.HasKey(s => s.ConversationId);
            e.Property(s => s.State).HasConversion<string>().HasMaxLength(20);
            e.Property(s => s.Language).HasMaxLength(Limits.Language);
            e.Property(s => s.Suggestions).HasConversion(Json<List<string>>(), Comparer<List<string>>());
            e.Property(s => s.HandoffReason).HasMaxLength(40);
            e.Property(s => s.Version).IsConcurrencyToken();
            e.HasIndex(s => new { s.InboxId, s.State });
            e.HasOne<Conversation>().WithOne().HasForeignKey<BotSession>(s => s.ConversationId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<ChatInbox>().WithMany().HasForeignKey(s => s.InboxId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<Message>(e =>
        {
            e.Property(m => m.SentimentLabel).HasMaxLength(20);
            e.Property(m => m.QuickReplies).HasConversion(Json<List<string>>(), Comparer<List<string>>());
            e.HasOne<Category>().WithMany().HasForeignKey(m => m.SuggestedCategoryId).OnDelete(DeleteBehavior.SetNull);
        });
    }

    private static void Trigram<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.IndexBuilder<T> index, bool postgres)
    {
        if (postgres)
        {
            index.HasMethod("gin").HasOperators("gin_trgm_ops");
        }
    }

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
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

/// <summary>The knowledge base's version: a counter row bumped in the same transaction as every change to it.</summary>
public static class KnowledgeVersion
{
    /// <summary>The assistant rebuilds its models when this counter moves.</summary>
    public const string Counter = "kb";
}
