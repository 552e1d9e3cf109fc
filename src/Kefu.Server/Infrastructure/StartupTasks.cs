using Kefu.Core.Channels.Chat;
using Kefu.Core.Common;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Automation;
using Kefu.Server.Features.Chat;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Infrastructure;

/// <summary>Before the server takes requests: migrate, seed the defaults, create the first admin; then print where to go.</summary>
public sealed class StartupTasks(IServiceProvider services, IOptions<DatabaseOptions> database, IHostApplicationLifetime lifetime) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (database.Value.MigrateOnStart)
        {
            await PrepareDatabaseAsync(services, cancellationToken);
        }

        lifetime.ApplicationStarted.Register(PrintWelcome);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task PrepareDatabaseAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        await db.Database.MigrateAsync(ct);
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        await SeedCategoriesAsync(db, now, ct);
        await SeedChatInboxAsync(db, now, ct);
        await AutomationSetup.SeedRulesAsync(db, now, ct);
        await Features.Sla.SlaSetup.SeedDefaultPoliciesAsync(db, now, ct);
        await CreateFirstAdminAsync(scope.ServiceProvider, now, ct);
    }

    private static async Task SeedCategoriesAsync(KefuDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.Categories.AnyAsync(ct))
        {
            return;
        }

        var position = 0;
        foreach (var (key, en, zh) in DefaultCategories.All)
        {
            db.Categories.Add(Category.Create(Guid.CreateVersion7(now), key, en, zh, ++position).Value);
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>A "Website" chat inbox, so the widget works out of the box (the demo page embeds it).</summary>
    private static async Task SeedChatInboxAsync(KefuDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.ChatInboxes.AnyAsync(ct))
        {
            return;
        }

        db.ChatInboxes.Add(ChatInbox.Create(Guid.CreateVersion7(now), ChatInboxSettings.Default("Website"), ChatInboxCommands.NewSecret(), now).Value);
        await db.SaveChangesAsync(ct);
    }

    private static async Task CreateFirstAdminAsync(IServiceProvider services, DateTimeOffset now, CancellationToken ct)
    {
        var db = services.GetRequiredService<KefuDbContext>();
        if (await db.Agents.AnyAsync(ct))
        {
            return;
        }

        var admin = services.GetRequiredService<IOptions<AdminOptions>>().Value;
        var created = await services.GetRequiredService<AgentAccounts>().CreateAsync(Actor.System, now,
            new CreateAgentRequest(admin.Email, admin.Name, Core.Agents.AgentRole.Admin, [], "en", string.IsNullOrEmpty(admin.Password) ? null : admin.Password), ct);
        if (!created.IsOk)
        {
            throw new InvalidOperationException($"Could not create the first administrator: {created.Error!.Message} {(created.Error as Invalid)?.Fields.SelectMany(f => f.Value).FirstOrDefault()}");
        }

        Console.WriteLine();
        Console.WriteLine("  ┌────────────────────────────────────────────────────────────────────");
        Console.WriteLine("  │ Kefu created the first administrator.");
        Console.WriteLine($"  │   e-mail:   {admin.Email}");
        Console.WriteLine(created.Value.OneTimePassword is { } otp
            ? $"  │   password: {otp}   (one-time: you choose a new one when you sign in; it is not shown again)"
            : "  │   password: the one configured in Admin:Password");
        Console.WriteLine("  └────────────────────────────────────────────────────────────────────");
        Console.WriteLine();
    }

    private void PrintWelcome()
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            Console.WriteLine($"  Kefu is running: open {address}/ in your browser (API reference: {address}/scalar/v1).");
        }
    }
}

/// <summary>Ready means: the database answers and every migration is applied.</summary>
public sealed class DatabaseReadyCheck(IDbContextFactory<KefuDbContext> dbs) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (!await db.Database.CanConnectAsync(cancellationToken))
        {
            return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("The database is not reachable.");
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        return pending.Count == 0
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
            : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy($"{pending.Count} migrations are not applied; run the migrate verb.");
    }
}
