using Kefu.Core.Channels.Chat;
using Kefu.Data;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Chat;

/// <summary>
/// Cross-origin rules for the widget. The HTTP endpoints of an inbox answer its AllowedOrigins (any origin when the
/// list is empty). The visitor hub's negotiate accepts any origin (it carries no cookies); the hub itself checks the
/// page's Origin against the inbox when the widget starts.
/// </summary>
public sealed class WidgetCors(IOptions<CorsOptions> options, IDbContextFactory<KefuDbContext> dbs) : ICorsPolicyProvider
{
    public const string Policy = "widget";
    public const string HubPolicy = "visitor-hub";

    public async Task<CorsPolicy?> GetPolicyAsync(HttpContext context, string? policyName)
    {
        if (policyName != Policy)
        {
            return options.Value.GetPolicy(policyName ?? options.Value.DefaultPolicyName);
        }

        var builder = new CorsPolicyBuilder().WithMethods("GET", "POST").WithHeaders("Content-Type", "Authorization")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        List<string> origins = [];
        if (Guid.TryParse(context.GetRouteValue("inboxId")?.ToString(), out var inboxId))
        {
            await using var db = await dbs.CreateDbContextAsync(context.RequestAborted);
            origins = await db.ChatInboxes.AsNoTracking().Where(i => i.Id == inboxId).Select(i => i.AllowedOrigins).FirstOrDefaultAsync(context.RequestAborted) ?? [];
        }

        return (origins.Count == 0 ? builder.AllowAnyOrigin() : builder.WithOrigins([.. origins])).Build();
    }

    public static void AddHubPolicy(CorsOptions options) =>
        options.AddPolicy(HubPolicy, p => p.AllowAnyOrigin().AllowAnyHeader().WithMethods("GET", "POST"));

    /// <summary>
    /// Whether a page may run this inbox's widget: any page when the inbox lists no origins, Kefu's own pages, and
    /// requests without an Origin (not from a browser page, where the check would prove nothing anyway).
    /// </summary>
    public static bool Allows(ChatInbox inbox, HttpRequest? request)
    {
        var origin = request?.Headers.Origin.ToString();
        if (inbox.AllowedOrigins.Count == 0 || string.IsNullOrEmpty(origin))
        {
            return true;
        }

        return string.Equals(origin, $"{request!.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase)
            || inbox.AllowedOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
    }
}
