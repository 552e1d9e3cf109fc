using Kefu.Assistant.Evaluation;
using Kefu.Server;

// `eval` needs no database or web host: it trains and scores from the files it is given.
if (args is ["eval", ..])
{
    return EvalCommand.Run(args[1..], Console.Out, Console.Error);
}

// Verbs: (none) serve · migrate · seed --demo. Verb words are kept out of the configuration arguments.
var (verb, options, rest) = Verbs.Parse(args);
// A published server started from another folder still finds its appsettings.json beside the executable.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = rest,
    ContentRootPath = !File.Exists("appsettings.json") && File.Exists(Path.Combine(AppContext.BaseDirectory, "appsettings.json"))
        ? AppContext.BaseDirectory
        : null,
});
builder.AddKefu(startTasks: verb is null);
var app = builder.Build();
app.UseKefu();
return await Verbs.RunAsync(app, verb, options);
