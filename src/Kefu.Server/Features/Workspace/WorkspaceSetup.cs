namespace Kefu.Server.Features.Workspace;

public static class WorkspaceSetup
{
    /// <summary>The live agent workspace: presence heartbeats, notifications from new messages, per-tab state.</summary>
    public static void AddKefuWorkspace(this IServiceCollection services)
    {
        services.AddSingleton<AgentPresence>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentPresence>());
        services.AddSingleton<WorkspaceNotifications>();
        services.AddHostedService<NotificationListener>();
        services.AddScoped<WorkspaceState>();
    }
}
