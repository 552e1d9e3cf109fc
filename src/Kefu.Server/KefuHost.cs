using System.Globalization;
using Kefu.Data;
using Kefu.Server.Components;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Assistant;
using Kefu.Server.Features.Llm;
using Kefu.Server.Features.Auth;
using Kefu.Server.Features.Automation;
using Kefu.Server.Features.Chat;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Customers;
using Kefu.Server.Features.Authority;
using Kefu.Server.Features.Promises;
using Kefu.Server.Features.Routing;
using Kefu.Server.Features.HelpCenter;
using Kefu.Server.Features.Knowledge;
using Kefu.Server.Features.Sla;
using Kefu.Server.Features.Email;
using Kefu.Server.Features.Webhooks;
using Kefu.Server.Features.Workspace;
using Kefu.Server.Infrastructure;
using Kefu.Server.Jobs;
using Kefu.Server.Realtime;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Scalar.AspNetCore;

namespace Kefu.Server;

public static class KefuHost
{
    /// <summary>Largest accepted request body (JSON API). Attachments are uploaded separately.</summary>
    public const long MaxRequestBody = 1_048_576;

    /// <summary>Where Kefu listens unless Urls, --urls or ASPNETCORE_URLS says otherwise: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static void AddKefu(this WebApplicationBuilder builder, bool startTasks)
    {
        var services = builder.Services;

        // Hosted services start in registration order: the database must be migrated before anything reads it
        // (the Data Protection key ring is loaded by its own hosted service).
        if (startTasks)
        {
            services.AddHostedService<StartupTasks>();
        }

        builder.WebHost.UseStaticWebAssets();
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = MaxRequestBody);

        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);

        void Database(IServiceProvider sp, Microsoft.EntityFrameworkCore.DbContextOptionsBuilder o)
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            DatabaseSetup.Configure(o, options.Provider, options.ResolveConnectionString());
            o.AddInterceptors(sp.GetRequiredService<JobSignal>());
        }

        services.AddDbContextFactory<KefuDbContext>(Database);
        services.AddDbContext<KefuDbContext>(Database, optionsLifetime: ServiceLifetime.Singleton);
        services.AddDataProtection().SetApplicationName("Kefu").PersistKeysToDbContext<KefuDbContext>();
        services.AddScoped<AgentAccounts>();
        services.AddKefuAuth();
        services.AddKefuRealtime(builder.Configuration);
        services.AddKefuChat();
        services.AddKefuEmail();
        services.AddKefuWorkspace();
        services.AddKefuJobs();
        services.AddKefuAutomation();
        services.AddKefuSla();
        services.AddKefuIntegrations();
        services.AddKefuRouting();
        services.AddKefuPromises();
        services.AddKefuAssistant();
        services.AddKefuLlm();
        services.Configure<JsonOptions>(o => Json.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ExceptionProblems>();
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Kefu API";
                document.Info.Description = "Conversations, customers, teams, agents and categories. Authenticate with `Authorization: Bearer kefu_…` (an API token) or the sign-in cookie. Errors are RFC 9457 problem details.";
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer(OptionalSchema.TransformAsync);
        });

        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            CultureInfo[] cultures = [new("en"), new("zh-CN")];
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            o.FallBackToParentUICultures = true;
            // Browsers say zh, zh-Hans, zh-TW…: all of them read the Chinese UI rather than English.
            o.RequestCultureProviders.Insert(2, new CustomRequestCultureProvider(http =>
                Task.FromResult(http.Request.Headers.AcceptLanguage.ToString().TrimStart().StartsWith("zh", StringComparison.OrdinalIgnoreCase)
                    ? new ProviderCultureResult("zh-CN")
                    : null)));
            HelpCenterEndpoints.AddHelpCenterCulture(o);
        });
        // Pages in Chinese stay readable and small: characters are written as they are, not as &#x…; escapes.
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddMudServices();
    }

    public static void UseKefu(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(RejectLargeBodies);
        app.UseRequestLocalization();
        app.UseCors();
        app.UseWidgetScriptCaching();
        app.UseAuthentication();
        app.Use(AuthSetup.RequireNewPassword);
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(o => o.WithTitle("Kefu API")).AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();

        app.MapConversationEndpoints();
        app.MapCustomerEndpoints();
        app.MapAdminEndpoints();
        app.MapJobEndpoints();
        app.MapAutomationEndpoints();
        app.MapSlaEndpoints();
        app.MapRoutingEndpoints();
        app.MapPromiseEndpoints();
        app.MapAuthorityEndpoints();
        app.MapKnowledgeEndpoints();
        app.MapAssistantEndpoints();
        app.MapLlmEndpoints();
        app.MapHelpCenterEndpoints();
        app.MapApiTokenEndpoints();
        app.MapAccountEndpoints();
        app.MapKefuRealtime();
        app.MapKefuChat();
        app.MapKefuEmail();
        app.MapKefuIntegrations();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    /// <summary>Refuses a declared oversized body before reading it (Kestrel also enforces the limit while streaming).</summary>
    private static Task RejectLargeBodies(HttpContext http, Func<Task> next)
    {
        // File uploads have their own, larger limit.
        if (http.Request.ContentLength > MaxRequestBody && http.Request.Path.StartsWithSegments("/api") && !http.Request.Path.StartsWithSegments("/api/v1/files"))
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }

        return next();
    }
}
