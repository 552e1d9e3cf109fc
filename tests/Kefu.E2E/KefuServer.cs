using System.Net;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Kefu.E2E;

/// <summary>
/// The real server on a loopback port (Kestrel, SQLite in a temp folder) and a real Chromium.
/// Shared by the browser tests; each test uses its own browser context and its own data.
/// </summary>
public sealed class KefuServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminEmail = "e2e-admin@kefu.test";
    public static readonly string AdminPassword = "e2e-" + Guid.NewGuid().ToString("N")[..12];

    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "kefu-e2e-" + Guid.NewGuid().ToString("N"));
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = default!;

    public string BaseUrl { get; private set; } = "";

    public static string Artifacts { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "artifacts", "e2e"));

    public async Task InitializeAsync()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = ClientOptions.BaseAddress.ToString().TrimEnd('/');
        Directory.CreateDirectory(Artifacts);

        var chromium = Environment.GetEnvironmentVariable("KEFU_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"Chromium not found at {chromium}. Run ./test.sh, which installs it (apt package chromium).");
        }

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        playwright?.Dispose();
        await DisposeAsync();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the WAL file for a moment; the temp folder is cleaned by the OS.
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:DataDirectory", dataDirectory);
        builder.UseSetting("Admin:Email", AdminEmail);
        builder.UseSetting("Admin:Password", AdminPassword);
        builder.UseSetting("Admin:Name", "E2E Admin");
        builder.UseSetting("Assistant:PollInterval", "00:00:00.200");
    }

    /// <summary>Creates an agent the way an admin does without choosing a password: returns the one-time password.</summary>
    public async Task<string> CreateAgentWithOneTimePasswordAsync(string email, string name)
    {
        await using var scope = Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<Kefu.Server.Features.Admin.AgentAccounts>();
        var created = await accounts.CreateAsync(Actor.System, DateTimeOffset.UtcNow,
            new Kefu.Server.Features.Admin.CreateAgentRequest(email, name, Kefu.Core.Agents.AgentRole.Agent, [], "en", null), CancellationToken.None);
        return created.Value.OneTimePassword!;
    }

    /// <summary>Creates a conversation through the same command the API uses; returns its number.</summary>
    public async Task<long> CreateConversationAsync(string subject, string customerName, string email, string text, Channel channel = Channel.Email)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var result = await ConversationCommands.CreateAsync(db, Actor.System, DateTimeOffset.UtcNow,
            new CreateConversationRequest(channel, subject, null, new CustomerRef(IdentityKind.Email, null, email, customerName, null),
                new NewMessage(MessageKind.Inbound, text, null, null, null), Priority.Normal, null, null, null, null),
            CancellationToken.None);
        return result.Value.Detail.Conversation.Number;
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<KefuServer>
{
    public const string Name = "server";
}
