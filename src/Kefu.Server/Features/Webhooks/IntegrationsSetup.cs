using Kefu.Server.Features.ApiChannel;
using Kefu.Server.Jobs;
using Microsoft.AspNetCore.RateLimiting;

namespace Kefu.Server.Features.Webhooks;

/// <summary>Registration of the API channel, event webhooks, phone and web forms.</summary>
public static class IntegrationsSetup
{
    public static void AddKefuIntegrations(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(WebhookJobs.HttpClientName, c =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan;
                c.DefaultRequestHeaders.UserAgent.ParseAdd("Kefu-Webhooks/1.0");
            })
            // A receiver's redirect is not followed: the signed body goes only where the admin said.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(10),
            });
        services.AddJobHandler<WebhookSender>(WebhookJobs.Kind);
        services.AddOptions<WebForms.WebFormOptions>().BindConfiguration(WebForms.WebFormOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(o => o.AddPolicy<string, WebForms.WebFormRateLimit>(WebForms.WebFormRateLimit.Name));
    }

    public static void MapKefuIntegrations(this WebApplication app)
    {
        app.MapApiChannelEndpoints();
        app.MapWebhookEndpoints();
        Phone.PhoneEndpoints.MapPhoneEndpoints(app);
        WebForms.WebFormEndpoints.MapWebFormEndpoints(app);
    }
}
