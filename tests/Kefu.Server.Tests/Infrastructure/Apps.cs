namespace Kefu.Server.Tests.Infrastructure;

/// <summary>
/// The two servers of a test run, one per database, started on first use and shared by every test.
/// A PostgreSQL problem (e.g. KEFU_TEST_POSTGRES not set) fails the postgres rows; it never skips them.
/// </summary>
public sealed class Apps : IAsyncLifetime
{
    private readonly Lazy<Task<KefuApp>> sqlite = new(() => KefuApp.StartAsync("sqlite"));
    private readonly Lazy<Task<KefuApp>> postgres = new(() => KefuApp.StartAsync("postgres"));
    private readonly Lazy<Task<KefuApp>> sqliteFake = new(() => KefuApp.StartAsync("sqlite", new Microsoft.Extensions.Time.Testing.FakeTimeProvider(FakeStart)));
    private readonly Lazy<Task<KefuApp>> postgresFake = new(() => KefuApp.StartAsync("postgres", new Microsoft.Extensions.Time.Testing.FakeTimeProvider(FakeStart)));

    /// <summary>Friday 2026-11-20 16:00 in Shanghai: where the fake clocks start. Tests only move them forward.</summary>
    public static readonly DateTimeOffset FakeStart = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

    public Task<KefuApp> GetAsync(string provider) => provider switch
    {
        "sqlite" => sqlite.Value,
        "postgres" => postgres.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "use sqlite or postgres"),
    };

    /// <summary>A second server per database whose TimeProvider is a FakeTimeProvider (<see cref="KefuApp.Clock"/>), for timer tests.</summary>
    public Task<KefuApp> FakeClockAsync(string provider) => provider switch
    {
        "sqlite" => sqliteFake.Value,
        "postgres" => postgresFake.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "use sqlite or postgres"),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in new[] { sqlite, postgres, sqliteFake, postgresFake })
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

    protected Task<KefuApp> FakeClockAppAsync(string provider) => apps.FakeClockAsync(provider);
}
