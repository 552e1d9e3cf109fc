using Kefu.Server;

// Verbs: (none) serve · migrate · seed --demo. Verb words are kept out of the configuration arguments.
var (verb, options, rest) = Verbs.Parse(args);
var builder = WebApplication.CreateBuilder(rest);
builder.AddKefu(startTasks: verb is null);
var app = builder.Build();
app.UseKefu();
return await Verbs.RunAsync(app, verb, options);
