namespace Kefu.Server.Tests.Infrastructure;

/// <summary>
/// The two servers of a test run, one per database, started on first use and shared by every test.
/// A PostgreSQL problem (e.g. KEFU_TEST_POSTGRES not set) fails the postgres rows; it never skips them.
/// </summary>
public sealed class Apps : IAsyncLifetime
{
    private readonly Lazy<Task<KefuApp>> sqlite = new(() => KefuApp.StartAsync("sqlite"));
    private readonly Lazy<Task<KefuApp>> postgres = new(() => KefuApp.StartAsync("postgres"));

    public Task<KefuApp> GetAsync(string provider) => provider switch
    {
        "sqlite" => sqlite.Value,
        "postgres" => postgres.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "use sqlite or postgres"),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in new[] { sqlite, postgres })
        {
            if (app.IsValueCreated && app.Value.IsCompletedSuccessfully)
            {
                await (await app.Value).DisposeAsync();
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<Apps>
{
    public const string Name = "Kefu server on SQLite and PostgreSQL";
}

/// <summary>Every server test is a theory with one row per database: [Theory, MemberData(nameof(Providers))].</summary>
[Collection(ServerCollection.Name)]
public abstract class ServerTest(Apps apps)
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };

    protected Task<KefuApp> AppAsync(string provider) => apps.GetAsync(provider);
}
