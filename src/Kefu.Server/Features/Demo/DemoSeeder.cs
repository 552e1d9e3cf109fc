namespace Kefu.Server.Features.Demo;

public static class DemoSeeder
{
    public static Task<string> SeedAsync(IServiceProvider services, CancellationToken ct) => Task.FromResult("demo data: not yet");
}
