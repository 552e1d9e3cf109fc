using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace Kefu.Cluster.Tests;

/// <summary>Two Kefu nodes sharing one fresh PostgreSQL database and Redis (backplane and event bus).</summary>
public sealed partial class TwoNodes : IAsyncLifetime
{
    public const string AdminEmail = "cluster-admin@kefu.test";
    public static readonly string AdminPassword = "cluster-" + Guid.NewGuid().ToString("N")[..12];

    private readonly string database = "kefu_cluster_" + Guid.NewGuid().ToString("N")[..12];
    private string adminConnection = "";

    public ServerProcess A { get; private set; } = default!;

    public ServerProcess B { get; private set; } = default!;

    /// <summary>The nodes' shared database, for tests that check what was stored.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("KEFU_TEST_POSTGRES")
            ?? throw new InvalidOperationException("KEFU_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts PostgreSQL.");
        var redis = Environment.GetEnvironmentVariable("KEFU_TEST_REDIS")
            ?? throw new InvalidOperationException("KEFU_TEST_REDIS is not set: run the tests with ./test.sh, which starts Redis.");
        adminConnection = postgres;
        var connection = new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ToString();
        ConnectionString = connection;
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["Database:ConnectionString"] = connection,
            ["Realtime:Redis"] = redis,
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
        };

        // The first node creates and migrates the database; the second joins it.
        A = await ServerProcess.StartAsync(settings);
        B = await ServerProcess.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        await using var db = new NpgsqlConnection(adminConnection);
        await db.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", db);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Signs in with the sign-in form and creates an API token with the given scopes.</summary>
    public static async Task<string> TokenAsync(ServerProcess node, params string[] scopes)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = new Uri(node.Url) };
        var form = await http.GetStringAsync("/login");
        var antiforgery = AntiforgeryPattern().Match(form).Groups[1].Value;
        var login = await http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = AdminEmail,
            ["password"] = AdminPassword,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery),
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.DoesNotContain("error", login.Headers.Location?.ToString() ?? "");
        var created = await http.PostAsJsonAsync("/api/v1/tokens", new { name = "cluster", scopes });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryPattern();
}
