using System.Text.Json;
using Kefu.Core.Agents;
using Kefu.Core.Automation;
using Kefu.Core.Channels.Chat;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Kefu.Data;

public sealed class KefuDbContext(DbContextOptions<KefuDbContext> options)
    : IdentityDbContext<KefuUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public const string ConversationCounter = "conversation";

    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<Message> Messages => Set<Message>();

    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<CustomerIdentity> CustomerIdentities => Set<CustomerIdentity>();

    public DbSet<Agent> Agents => Set<Agent>();

    public DbSet<Team> Teams => Set<Team>();

    public DbSet<Category> Categories => Set<Category>();

    public DbSet<ActivityEntry> Activities => Set<ActivityEntry>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<Counter> Counters => Set<Counter>();

    public DbSet<ChatInbox> ChatInboxes => Set<ChatInbox>();

    public DbSet<ChatSession> ChatSessions => Set<ChatSession>();

    public DbSet<CannedResponse> CannedResponses => Set<CannedResponse>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<StoredFile> Files => Set<StoredFile>();

    public DbSet<Kefu.Core.Channels.Email.EmailInbox> EmailInboxes => Set<Kefu.Core.Channels.Email.EmailInbox>();

    public DbSet<Kefu.Core.Channels.Email.EmailMessage> EmailMessages => Set<Kefu.Core.Channels.Email.EmailMessage>();

    public DbSet<Kefu.Core.Channels.Api.Integration> Integrations => Set<Kefu.Core.Channels.Api.Integration>();

    public DbSet<Kefu.Core.Channels.Api.ApiContact> ApiContacts => Set<Kefu.Core.Channels.Api.ApiContact>();

    public DbSet<Kefu.Core.Webhooks.WebhookSubscription> WebhookSubscriptions => Set<Kefu.Core.Webhooks.WebhookSubscription>();

    public DbSet<Kefu.Core.Webhooks.WebhookDelivery> WebhookDeliveries => Set<Kefu.Core.Webhooks.WebhookDelivery>();

    public DbSet<Kefu.Core.Webhooks.WebhookAttempt> WebhookAttempts => Set<Kefu.Core.Webhooks.WebhookAttempt>();

    public DbSet<Kefu.Core.Channels.Phone.CallLog> CallLogs => Set<Kefu.Core.Channels.Phone.CallLog>();

    public DbSet<Kefu.Core.Channels.Phone.CallbackRequest> CallbackRequests => Set<Kefu.Core.Channels.Phone.CallbackRequest>();

    public DbSet<Kefu.Core.Channels.WebForms.WebForm> WebForms => Set<Kefu.Core.Channels.WebForms.WebForm>();

    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<AutomationRule> AutomationRules => Set<AutomationRule>();

    public DbSet<AutomationFiring> AutomationFirings => Set<AutomationFiring>();

    public DbSet<Kefu.Core.Calendars.BusinessCalendar> BusinessCalendars => Set<Kefu.Core.Calendars.BusinessCalendar>();

    public DbSet<Kefu.Core.Sla.SlaPolicy> SlaPolicies => Set<Kefu.Core.Sla.SlaPolicy>();

    public DbSet<Kefu.Core.Sla.SlaEventRecord> SlaEvents => Set<Kefu.Core.Sla.SlaEventRecord>();

    public DbSet<Kefu.Core.Routing.RoutingConfig> RoutingConfig => Set<Kefu.Core.Routing.RoutingConfig>();

    public DbSet<Kefu.Core.Routing.TeamRoutingRule> TeamRouting => Set<Kefu.Core.Routing.TeamRoutingRule>();

    public DbSet<Kefu.Core.Routing.ConversationRouting> ConversationRouting => Set<Kefu.Core.Routing.ConversationRouting>();

    public DbSet<Kefu.Core.Promises.Promise> Promises => Set<Kefu.Core.Promises.Promise>();

    public DbSet<Kefu.Core.Promises.FollowUp> FollowUps => Set<Kefu.Core.Promises.FollowUp>();

    public DbSet<Kefu.Core.Promises.FollowUpSettings> FollowUpSettings => Set<Kefu.Core.Promises.FollowUpSettings>();

    public DbSet<Kefu.Core.Authority.AuthorityLimits> AuthorityLimits => Set<Kefu.Core.Authority.AuthorityLimits>();

    public DbSet<Kefu.Core.Authority.CompensationRequest> CompensationRequests => Set<Kefu.Core.Authority.CompensationRequest>();
    public DbSet<Kefu.Core.Knowledge.KbCategory> KbCategories => Set<Kefu.Core.Knowledge.KbCategory>();

    public DbSet<Kefu.Core.Knowledge.Faq> Faqs => Set<Kefu.Core.Knowledge.Faq>();

    public DbSet<Kefu.Core.Knowledge.Article> Articles => Set<Kefu.Core.Knowledge.Article>();

    public DbSet<Kefu.Core.Knowledge.KbRevision> KbRevisions => Set<Kefu.Core.Knowledge.KbRevision>();

    public DbSet<Kefu.Core.Knowledge.FaqExample> FaqExamples => Set<Kefu.Core.Knowledge.FaqExample>();

    public DbSet<Kefu.Core.Knowledge.ContentGap> ContentGaps => Set<Kefu.Core.Knowledge.ContentGap>();

    public DbSet<Kefu.Core.Bot.BotSettings> BotSettings => Set<Kefu.Core.Bot.BotSettings>();

    public DbSet<Kefu.Core.Bot.BotSession> BotSessions => Set<Kefu.Core.Bot.BotSession>();

    public DbSet<Kefu.Core.Llm.LlmSettings> LlmSettings => Set<Kefu.Core.Llm.LlmSettings>();

    public DbSet<Kefu.Core.Bot.Flows.BotFlow> BotFlows => Set<Kefu.Core.Bot.Flows.BotFlow>();

    /// <summary>Cookie and antiforgery keys: kept with the data so restarts and several nodes share them.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>Takes the next value of a counter in the current transaction (UPDATE … RETURNING locks the row).</summary>
    public async Task<long> NextAsync(string counter, CancellationToken ct) =>
        (await Database.SqlQuery<long>($"""UPDATE "Counters" SET "Value" = "Value" + 1 WHERE "Name" = {counter} RETURNING "Value" """)
            .ToListAsync(ct)).Single();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        if (!IsPostgres)
        {
            // SQLite cannot order or compare DateTimeOffset text; UTC ticks sort correctly.
            builder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
            builder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        if (IsPostgres)
        {
            b.HasPostgresExtension("pg_trgm");
        }

        b.Entity<KefuUser>().ToTable("Users");
        b.Entity<IdentityRole<Guid>>().ToTable("Roles");
        b.Entity<IdentityUserRole<Guid>>().ToTable("UserRoles");
        b.Entity<IdentityUserClaim<Guid>>().ToTable("UserClaims");
        b.Entity<IdentityUserLogin<Guid>>().ToTable("UserLogins");
        b.Entity<IdentityUserToken<Guid>>().ToTable("UserTokens");
        b.Entity<IdentityRoleClaim<Guid>>().ToTable("RoleClaims");

        b.Entity<Job>(e =>
        {
            e.HasKey(j => j.Id);
            e.Property(j => j.Kind).HasMaxLength(Job.KindLength);
            e.Property(j => j.DedupeKey).HasMaxLength(Job.DedupeKeyLength);
            e.Property(j => j.State).HasConversion<string>().HasMaxLength(10);
            e.Property(j => j.LastError).HasMaxLength(Job.ErrorLength);
            e.HasIndex(j => j.DedupeKey).IsUnique();
            e.HasIndex(j => new { j.State, j.RunAt });
            e.HasIndex(j => j.ConversationId);
        });

        b.Entity<AutomationRule>(e =>
        {
            e.HasKey(r => r.Id);
            e.Property(r => r.Name).HasMaxLength(Limits.Name);
            e.Property(r => r.Description).HasMaxLength(Limits.Description);
            e.Property(r => r.Trigger).HasConversion<string>().HasMaxLength(30);
            e.Property(r => r.Match).HasConversion<string>().HasMaxLength(10);
            e.Property(r => r.Conditions).HasConversion(Json<List<Condition>>(), JsonComparer<List<Condition>>());
            e.Property(r => r.Actions).HasConversion(Json<List<RuleAction>>(), JsonComparer<List<RuleAction>>());
            e.Property(r => r.SeedKey).HasMaxLength(50);
            e.HasIndex(r => r.SeedKey).IsUnique();
        });

        b.Entity<AutomationFiring>(e =>
        {
            e.HasKey(f => new { f.RuleId, f.ConversationId, f.Anchor });
            e.HasOne<AutomationRule>().WithMany().HasForeignKey(f => f.RuleId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Conversation>().WithMany().HasForeignKey(f => f.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<Counter>(e =>
        {
            e.HasKey(c => c.Name);
            e.Property(c => c.Name).HasMaxLength(50);
            e.HasData(new Counter { Name = ConversationCounter, Value = Conversation.FirstNumber - 1 });
        });

        b.Entity<Conversation>(e =>
        {
            e.HasKey(c => c.Id);
            e.HasIndex(c => c.Number).IsUnique();
            e.Property(c => c.Channel).HasConversion<string>().HasMaxLength(20);
            e.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(c => c.Priority).HasConversion<string>().HasMaxLength(20);
            e.Property(c => c.Subject).HasMaxLength(Limits.Subject);
            e.Property(c => c.Version).IsConcurrencyToken();
            e.HasIndex(c => new { c.LastMessageAt, c.Id });
            e.HasIndex(c => new { c.Status, c.LastMessageAt });
            e.HasIndex(c => c.CustomerId);
            e.HasIndex(c => c.AssigneeId);
            e.HasIndex(c => c.TeamId);
            e.HasIndex(c => c.CategoryId);
            e.HasIndex(c => new { c.Status, c.StatusChangedAt });
            e.HasOne<Customer>().WithMany().HasForeignKey(c => c.CustomerId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Agent>().WithMany().HasForeignKey(c => c.AssigneeId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Team>().WithMany().HasForeignKey(c => c.TeamId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Category>().WithMany().HasForeignKey(c => c.CategoryId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Conversation>().WithMany().HasForeignKey(c => c.MergedIntoId).OnDelete(DeleteBehavior.Restrict);
            Trigram(e.HasIndex(c => c.Subject));
        });

        b.Entity<Message>(e =>
        {
            e.HasKey(m => m.Id);
            e.Property(m => m.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(m => m.AuthorKind).HasConversion<string>().HasMaxLength(20);
            e.Property(m => m.Text).HasMaxLength(Limits.MessageText);
            e.Property(m => m.Html).HasMaxLength(Limits.MessageHtml);
            e.Property(m => m.ClientMessageId).HasMaxLength(Limits.ClientMessageId);
            e.Property(m => m.Attachments).HasConversion(Json<List<Attachment>>(), JsonComparer<List<Attachment>>());
            e.HasIndex(m => new { m.ConversationId, m.CreatedAt, m.Id });
            e.HasIndex(m => m.ClientMessageId).IsUnique();
            e.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
            Trigram(e.HasIndex(m => m.Text));
        });

        b.Entity<Customer>(e =>
        {
            e.HasKey(c => c.Id);
            e.Property(c => c.Name).HasMaxLength(Limits.Name);
            e.Property(c => c.Language).HasMaxLength(Limits.Language);
            e.Property(c => c.Attributes).HasConversion(Json<Dictionary<string, string>>(), JsonComparer<Dictionary<string, string>>());
            e.Property(c => c.Version).IsConcurrencyToken();
            e.Ignore(c => c.DisplayName);
            e.HasMany(c => c.Identities).WithOne().HasForeignKey(i => i.CustomerId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(c => new { c.UpdatedAt, c.Id });
            e.HasOne<Customer>().WithMany().HasForeignKey(c => c.MergedIntoId).OnDelete(DeleteBehavior.Restrict);
            Trigram(e.HasIndex(c => c.Name));
        });

        b.Entity<CustomerIdentity>(e =>
        {
            e.HasKey(i => i.Id);
            e.Property(i => i.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(i => i.Source).HasMaxLength(Limits.IdentitySource);
            e.Property(i => i.Value).HasMaxLength(Limits.IdentityValue);
            e.Ignore(i => i.Display);
            e.HasIndex(i => new { i.Kind, i.Source, i.Value }).IsUnique();
            Trigram(e.HasIndex(i => i.Value));
        });

        b.Entity<Agent>(e =>
        {
            e.HasKey(a => a.Id);
            e.Property(a => a.Email).HasMaxLength(Limits.Email);
            e.Property(a => a.DisplayName).HasMaxLength(Limits.Name);
            e.Property(a => a.Role).HasConversion<string>().HasMaxLength(20);
            e.Property(a => a.Language).HasMaxLength(Limits.Language);
            e.Property(a => a.Signature).HasMaxLength(Limits.Description);
            e.Ignore(a => a.AsActor);
            e.Property(a => a.Presence).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(a => a.Email).IsUnique();
        });

        b.Entity<ChatInbox>(e =>
        {
            e.HasKey(i => i.Id);
            e.Property(i => i.Name).HasMaxLength(Limits.Name);
            e.Property(i => i.TitleEn).HasMaxLength(Limits.Name);
            e.Property(i => i.TitleZh).HasMaxLength(Limits.Name);
            e.Property(i => i.GreetingEn).HasMaxLength(Limits.Description);
            e.Property(i => i.GreetingZh).HasMaxLength(Limits.Description);
            e.Property(i => i.Color).HasMaxLength(7);
            e.Property(i => i.Position).HasConversion<string>().HasMaxLength(10);
            e.Property(i => i.Secret).HasMaxLength(64);
            e.HasOne<Team>().WithMany().HasForeignKey(i => i.TeamId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne<Kefu.Core.Calendars.BusinessCalendar>().WithMany().HasForeignKey(i => i.CalendarId).OnDelete(DeleteBehavior.SetNull);
        });

        b.Entity<ChatSession>(e =>
        {
            e.HasKey(s => s.Id);
            e.Property(s => s.VisitorId).HasMaxLength(64);
            e.Property(s => s.CurrentUrl).HasMaxLength(2000);
            e.Property(s => s.Referrer).HasMaxLength(2000);
            e.Property(s => s.Language).HasMaxLength(16);
            e.Property(s => s.UserAgent).HasMaxLength(500);
            e.Property(s => s.Ip).HasMaxLength(64);
            e.Property(s => s.Pages).HasConversion(Json<List<PageVisit>>(), JsonComparer<List<PageVisit>>());
            e.HasIndex(s => new { s.InboxId, s.VisitorId }).IsUnique();
            e.HasIndex(s => s.ConversationId);
            e.HasOne<ChatInbox>().WithMany().HasForeignKey(s => s.InboxId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Customer>().WithMany().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Conversation>().WithMany().HasForeignKey(s => s.ConversationId).OnDelete(DeleteBehavior.SetNull);
        });

        b.Entity<CannedResponse>(e =>
        {
            e.HasKey(c => c.Id);
            e.Property(c => c.Shortcut).HasMaxLength(40);
            e.Property(c => c.Title).HasMaxLength(Limits.Name);
            e.Property(c => c.Body).HasMaxLength(10_000);
            e.HasIndex(c => c.TeamId);
            e.HasIndex(c => c.OwnerId);
            e.HasOne<Team>().WithMany().HasForeignKey(c => c.TeamId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Agent>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<Notification>(e =>
        {
            e.HasKey(n => n.Id);
            e.Property(n => n.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(n => n.ActorName).HasMaxLength(Limits.Name);
            e.Property(n => n.Preview).HasMaxLength(200);
            e.HasIndex(n => new { n.AgentId, n.ReadAt, n.CreatedAt });
            e.HasOne<Agent>().WithMany().HasForeignKey(n => n.AgentId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Conversation>().WithMany().HasForeignKey(n => n.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<StoredFile>(e =>
        {
            e.HasKey(f => f.Sha256);
            e.Property(f => f.Sha256).HasMaxLength(64);
            e.Property(f => f.ContentType).HasMaxLength(Limits.ContentType);
        });

        b.Entity<Team>(e =>
        {
            e.HasKey(t => t.Id);
            e.Property(t => t.Name).HasMaxLength(Limits.Name);
            e.Property(t => t.Description).HasMaxLength(Limits.Description);
            e.HasIndex(t => t.Name).IsUnique();
        });

        b.Entity<Category>(e =>
        {
            e.HasKey(c => c.Id);
            e.Property(c => c.Key).HasMaxLength(64);
            e.Property(c => c.NameEn).HasMaxLength(Limits.Name);
            e.Property(c => c.NameZh).HasMaxLength(Limits.Name);
            e.HasIndex(c => c.Key).IsUnique();
        });

        b.Entity<ActivityEntry>(e =>
        {
            e.HasKey(a => a.Id);
            e.Property(a => a.ActorKind).HasConversion<string>().HasMaxLength(20);
            e.Property(a => a.ActorName).HasMaxLength(Limits.Name);
            e.Property(a => a.EntityType).HasMaxLength(30);
            e.Property(a => a.Action).HasMaxLength(40);
            e.Property(a => a.Field).HasMaxLength(100);
            e.HasIndex(a => new { a.EntityType, a.EntityId, a.At });
        });

        EmailMapping.Map(b);

        b.Entity<ApiToken>(e =>
        {
            e.HasKey(t => t.Id);
            e.Property(t => t.Name).HasMaxLength(Limits.Name);
            e.Property(t => t.Prefix).HasMaxLength(20);
            e.Property(t => t.Hash).HasMaxLength(64);
            e.HasIndex(t => t.Hash).IsUnique();
            e.HasIndex(t => t.AgentId);
            e.HasOne<Agent>().WithMany().HasForeignKey(t => t.AgentId).OnDelete(DeleteBehavior.Cascade);
        });

        SlaMapping.Map(b);
        IntegrationMapping.Map(b);
        RoutingMapping.Map(b);
        KnowledgeMapping.Map(b, IsPostgres);
        LlmMapping.Map(b);
        BotFlowMapping.Map(b);
    }

    /// <summary>A trigram index for substring search in any language (PostgreSQL; SQLite scans with LIKE).</summary>
    private void Trigram<T>(IndexBuilder<T> index)
    {
        if (IsPostgres)
        {
            index.HasMethod("gin").HasOperators("gin_trgm_ops");
        }
    }

    private static ValueConverter<T, string> Json<T>()
        where T : new() =>
        new(v => JsonSerializer.Serialize(v, JsonOptions), v => JsonSerializer.Deserialize<T>(v, JsonOptions) ?? new T());

    /// <summary>Compares JSON-stored values by content, so changes inside them are saved.</summary>
    private static ValueComparer<T> JsonComparer<T>()
        where T : new() =>
        new(
            (a, b) => JsonSerializer.Serialize(a, JsonOptions) == JsonSerializer.Serialize(b, JsonOptions),
            v => JsonSerializer.Serialize(v, JsonOptions).GetHashCode(),
            v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, JsonOptions), JsonOptions) ?? new T());

    // Chinese stays readable in the stored JSON (attributes, page trails) instead of \uXXXX escapes; both read back alike.
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}
