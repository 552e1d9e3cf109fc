using System.ComponentModel.DataAnnotations;
using Kefu.Server.Features.Chat;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Kefu.Server.Realtime;

/// <summary>Section "Realtime". With Redis set, several Kefu nodes share SignalR groups and live updates.</summary>
public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>A StackExchange.Redis configuration string such as 127.0.0.1:6379; empty for a single node.</summary>
    [MaxLength(500)]
    public string? Redis { get; set; }

    /// <summary>Maps /hubs/echo, a bare SignalR echo hub used by the load benchmark as the machine's ceiling.</summary>
    public bool EchoHub { get; set; }
}

public static class RealtimeSetup
{
    public static void AddKefuRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RealtimeOptions>().BindConfiguration(RealtimeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var redis = configuration[$"{RealtimeOptions.Section}:Redis"];
        // Hubs speak the same JSON as the REST API (camelCase, snake_case enum names).
        var signalR = services.AddSignalR(o => o.MaximumReceiveMessageSize = 128 * 1024)
            .AddJsonProtocol(o => Json.Configure(o.PayloadSerializerOptions));
        if (string.IsNullOrWhiteSpace(redis))
        {
            services.AddSingleton(sp => new RealtimeBus(sp.GetRequiredService<ILogger<RealtimeBus>>()));
        }
        else
        {
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal("kefu"));
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
            services.AddSingleton(sp => new RealtimeBus(sp.GetRequiredService<ILogger<RealtimeBus>>(), sp.GetRequiredService<IConnectionMultiplexer>()));
        }

        services.AddSingleton<RealtimePublisher>();
    }

    public static void MapKefuRealtime(this WebApplication app)
    {
        app.MapHub<AgentHub>("/hubs/agent");
        // Anonymous visitors may connect (to start a chat); a presented visitor token must verify. Any origin may negotiate.
        app.MapHub<VisitorHub>("/hubs/visitor").RequireAuthorization(VisitorAuthentication.Policy).RequireCors(WidgetCors.HubPolicy);
        if (app.Services.GetRequiredService<IOptions<RealtimeOptions>>().Value.EchoHub)
        {
            app.MapHub<EchoHub>("/hubs/echo").AllowAnonymous();
        }
    }
}

/// <summary>The ceiling for the load benchmark: SignalR with no Kefu work at all.</summary>
public sealed class EchoHub : Hub
{
    public string Echo(string text) => text;

    public Task Broadcast(string group, string text) => Clients.Group(group).SendAsync("echo", text);

    public Task Join(string group) => Groups.AddToGroupAsync(Context.ConnectionId, group);
}
