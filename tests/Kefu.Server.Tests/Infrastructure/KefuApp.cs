using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Kefu.Core.Agents;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Auth;
using Kefu.Server.Jobs;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Kefu.Server.Tests.Infrastructure;

/// <summary>A caller with an agent account, its password and an API token; <see cref="Http"/> sends the token.</summary>
public sealed record Caller(Guid Id, string Email, string Password, AgentRole Role, string Token, HttpClient Http);

/// <summary>
/// One Kefu server in memory on a real, freshly migrated database: a temporary SQLite file, or a new
/// PostgreSQL database (kefu_test_…) that is dropped again on dispose. Shared by all tests of a run.
/// </summary>
public sealed partial class KefuApp : IAsyncDisposable
{
    public const string AdminEmail = "admin@kefu.test";
    public const string AdminPassword = "admin-test-password-42";
    public const string AgentPassword = "agent-test-password-42";
    public const string PostgresVariable = "KEFU_TEST_POSTGRES";

    private readonly Factory factory;
    private readonly Func<Task> cleanUp;

    private KefuApp(string provider, Dictionary<string, string?> settings, Func<Task> cleanUp, FakeTimeProvider? clock)
    {
        Provider = provider;
        Clock = clock;
        if (clock is not null)
        {
            // Timers run by the test: the SLA worker is driven through SlaWorker.RunOnceAsync at chosen instants.
            settings["Sla:WorkerEnabled"] = "false";
        }

        factory = new Factory(settings, clock);
        this.cleanUp = cleanUp;
    }

    public string Provider { get; }

    /// <summary>The server's clock when started with one (<see cref="Apps.FakeClockAsync"/>), else null (system time).</summary>
    public FakeTimeProvider? Clock { get; }

    public IServiceProvider Services => factory.Services;

    public static Task<KefuApp> StartAsync(string provider, FakeTimeProvider? clock = null) => provider switch
    {
        "sqlite" => StartSqliteAsync(clock),
        "postgres" => StartPostgresAsync(clock),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "use sqlite or postgres"),
    };

    private static async Task<KefuApp> StartSqliteAsync(FakeTimeProvider? clock)
    {
        var directory = Directory.CreateTempSubdirectory("kefu-test-").FullName;
        var app = new KefuApp("sqlite", Settings(DatabaseProvider.Sqlite, DatabaseSetup.SqliteFile(directory), directory), () =>
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
            return Task.CompletedTask;
        }, clock);
        await app.WarmUpAsync();
        return app;
    }

    private static async Task<KefuApp> StartPostgresAsync(FakeTimeProvider? clock)
    {
        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new InvalidOperationException(
                $"{PostgresVariable} is not set, so the PostgreSQL half of the server tests cannot run. Run ./test.sh from the repository root: " +
                $"it starts PostgreSQL, creates the kefu_test role and exports {PostgresVariable} (e.g. Host=127.0.0.1;Port=5432;Username=kefu_test;Password=…;Database=postgres).");
        }

        // The startup migration creates the database (the role has CREATEDB); dispose drops it.
        var database = $"kefu_test_{Guid.NewGuid():N}"[..32];
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        var app = new KefuApp("postgres", Settings(DatabaseProvider.Postgres, connection, Path.GetTempPath()), async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"""DROP DATABASE IF EXISTS "{database}" WITH (FORCE)""", admin);
            await drop.ExecuteNonQueryAsync();
        }, clock);
        await app.WarmUpAsync();
        return app;
    }

    private static Dictionary<string, string?> Settings(DatabaseProvider provider, string connectionString, string dataDirectory) => new()
    {
        ["Database:Provider"] = provider.ToString(),
        ["Database:ConnectionString"] = connectionString,
        ["Database:DataDirectory"] = dataDirectory,
        ["Database:MigrateOnStart"] = "true",
        ["Admin:Email"] = AdminEmail,
        ["Admin:Name"] = "Test Administrator",
        ["Admin:Password"] = AdminPassword,
        // Fast retries, so the job tests see a job through all its attempts in well under a second.
        ["Jobs:PollInterval"] = "00:00:00.100",
        ["Jobs:RetryDelays:0"] = "00:00:00.050",
        ["Jobs:RetryDelays:1"] = "00:00:00.100",
        ["Jobs:RetryDelays:2"] = "00:00:00.150",
        // The assistant notices knowledge-base changes within a fifth of a second.
        ["Assistant:PollInterval"] = "00:00:00.200",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
    };

    /// <summary>Starts the host (migrating the database) outside the first test's timing.</summary>
    private async Task WarmUpAsync()
    {
        using var client = Anonymous();
        using var ready = await client.GetAsync("/health/ready");
        if (!ready.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The {Provider} test server is not ready: {(int)ready.StatusCode} {await ready.Content.ReadAsStringAsync()}");
        }
    }

    public HttpClient Anonymous() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    public HttpClient Bearer(string secret)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    /// <summary>Creates an agent (with a password, so no forced change) and an API token with the given scopes.</summary>
    /// <param name="scopes">Null: every scope the role may hold.</param>
    public async Task<Caller> CreateAgentAsync(AgentRole role = AgentRole.Agent, string[]? scopes = null, string? name = null, IReadOnlyList<Guid>? teamIds = null)
    {
        var id = Unique.Id();
        var email = $"{role.ToString().ToLowerInvariant()}-{id}@agents.test";
        await using var scope = Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AgentAccounts>();
        var created = await accounts.CreateAsync(Actor.System, DateTimeOffset.UtcNow,
            new CreateAgentRequest(email, name ?? $"{role} {id}", role, teamIds, "en", AgentPassword), CancellationToken.None);
        Assert.True(created.IsOk, created.Error?.ToString());
        var agentId = created.Value.Agent.Id;
        var token = await CreateTokenAsync(agentId, scopes ?? DefaultScopes(role));
        return new Caller(agentId, email, AgentPassword, role, token, Bearer(token));
    }

    /// <summary>Inserts an API token for the agent directly (as the token endpoint would) and returns its secret.</summary>
    public async Task<string> CreateTokenAsync(Guid agentId, params string[] scopes)
    {
        var secret = ApiTokenAuthentication.NewSecret();
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        db.ApiTokens.Add(new ApiToken
        {
            Id = Guid.CreateVersion7(),
            AgentId = agentId,
            Name = "test " + Unique.Id(),
            Prefix = secret[..12],
            Hash = ApiTokenAuthentication.Hash(secret),
            Scopes = [.. scopes],
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return secret;
    }

    public static string[] DefaultScopes(AgentRole role) =>
        role == AgentRole.Admin ? [.. Scopes.All] : [.. Scopes.All.Where(s => s != Scopes.Admin)];

    /// <summary>The first administrator (from Admin:Email/Password) with a fresh all-scopes token.</summary>
    public async Task<Caller> AdminAsync()
    {
        var id = await DbAsync(db => Task.FromResult(db.Agents.Single(a => a.Email == AdminEmail).Id));
        var token = await CreateTokenAsync(id, DefaultScopes(AgentRole.Admin));
        return new Caller(id, AdminEmail, AdminPassword, AgentRole.Admin, token, Bearer(token));
    }

    /// <summary>A client that keeps cookies, without a session.</summary>
    public HttpClient CookieClient() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Signs in through the real sign-in form (antiforgery token included) and returns the cookie client.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = CookieClient();
        using var response = await PostLoginAsync(client, email, password, "/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        return client;
    }

    /// <summary>GET /login for the antiforgery token, then POST the form to /account/login.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, string returnUrl)
    {
        var page = await client.GetStringAsync("/login");
        var match = AntiforgeryField().Match(page);
        Assert.True(match.Success, "The sign-in page has no antiforgery field.");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(match.Groups[1].Value),
        }));
    }

    public async Task<T> DbAsync<T>(Func<KefuDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<KefuDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync();
        await cleanUp();
    }

    [GeneratedRegex(@"name=""__RequestVerificationToken""[^>]*?value=""([^""]+)""")]
    private static partial Regex AntiforgeryField();

    private sealed class Factory(Dictionary<string, string?> settings, FakeTimeProvider? clock) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // Added after appsettings.json, so these win over its defaults.
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
            builder.ConfigureServices(services => services.AddJobHandler<Jobs.ProbeJob>(Jobs.ProbeJob.Kind));
            if (clock is not null)
            {
                builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(clock));
            }
        }
    }
}

public static class Unique
{
    /// <summary>A short random suffix for names, e-mails and tags, so tests never collide in a shared database.</summary>
    public static string Id() => Guid.NewGuid().ToString("N")[..12];
}
