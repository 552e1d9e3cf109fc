using Kefu.Server.Features.Demo;
using Kefu.Server.Infrastructure;

namespace Kefu.Server;

/// <summary>The command-line verbs of the server executable.</summary>
public static class Verbs
{
    private static readonly string[] Known = ["migrate", "seed"];

    public static (string? Verb, HashSet<string> Options, string[] Remaining) Parse(string[] args)
    {
        if (args.Length == 0 || !Known.Contains(args[0]))
        {
            return (null, [], args);
        }

        var options = args.Skip(1).Where(a => a is "--demo").ToHashSet();
        return (args[0], options, args.Skip(1).Where(a => !options.Contains(a)).ToArray());
    }

    public static async Task<int> RunAsync(WebApplication app, string? verb, HashSet<string> options)
    {
        switch (verb)
        {
            case null:
                await app.RunAsync();
                return 0;
            case "migrate":
                await StartupTasks.PrepareDatabaseAsync(app.Services, CancellationToken.None);
                Console.WriteLine("Kefu: the database is migrated and up to date.");
                return 0;
            case "seed" when options.Contains("--demo"):
                await StartupTasks.PrepareDatabaseAsync(app.Services, CancellationToken.None);
                var summary = await DemoSeeder.SeedAsync(app.Services, CancellationToken.None);
                Console.WriteLine($"Kefu: {summary}");
                return 0;
            default:
                Console.Error.WriteLine("Usage: Kefu.Server [migrate | seed --demo] [--Database:Provider=postgres --Database:ConnectionString=…]\n       Kefu.Server eval intent|faq|sentiment|handoff … (run `eval` alone for its options)");
                return 2;
        }
    }
}
