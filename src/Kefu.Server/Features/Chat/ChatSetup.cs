using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Kefu.Server.Realtime;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Chat;

/// <summary>Section "Chat": abuse limits of the anonymous widget endpoints, per client IP address and inbox.</summary>
public sealed class ChatOptions
{
    public const string Section = "Chat";

    [Range(1, 100_000)]
    public int OfflineMessagesPerHour { get; set; } = 10;

    [Range(1, 100_000)]
    public int UploadsPerHour { get; set; } = 60;
}

public static class ChatSetup
{
    public static void AddKefuChat(this IServiceCollection services)
    {
        services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<VisitorTokens>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, VisitorAuthentication>(VisitorAuthentication.SchemeName, null);
        services.Configure<AuthorizationOptions>(VisitorAuthentication.AddPolicy);
        services.AddCors(WidgetCors.AddHubPolicy);
        services.AddSingleton<ICorsPolicyProvider, WidgetCors>();
        services.AddHostedService<ChatQueueWatcher>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = "Too many requests from your network; please try again later.",
                    },
                });
            };
            o.AddPolicy(WidgetEndpoints.OfflineLimiter, http => PerIp(http, c => c.OfflineMessagesPerHour));
            o.AddPolicy(WidgetEndpoints.UploadLimiter, http => PerIp(http, c => c.UploadsPerHour));
        });
    }

    private static RateLimitPartition<string> PerIp(HttpContext http, Func<ChatOptions, int> limit)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<ChatOptions>>().Value;
        // Per address and inbox: one noisy page cannot silence another website's widget.
        var key = $"{http.Connection.RemoteIpAddress}|{http.GetRouteValue("inboxId")}";
        return RateLimitPartition.GetFixedWindowLimiter(key,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limit(options), Window = TimeSpan.FromHours(1), QueueLimit = 0 });
    }

    /// <summary>
    /// The embed snippet's URL never changes, so browsers revalidate it after a few minutes (ETag) instead of
    /// keeping an old widget for a year or fetching it on every page view.
    /// </summary>
    public static void UseWidgetScriptCaching(this WebApplication app) => app.Use((http, next) =>
    {
        if (http.Request.Path.StartsWithSegments("/widget/kefu.js"))
        {
            http.Response.OnStarting(() =>
            {
                http.Response.Headers.CacheControl = "public, max-age=300, stale-while-revalidate=86400";
                http.Response.Headers.AccessControlAllowOrigin = "*";
                return Task.CompletedTask;
            });
        }

        return next(http);
    });

    public static void MapKefuChat(this WebApplication app)
    {
        app.MapChatInboxEndpoints();
        app.MapWidgetEndpoints();
    }
}
