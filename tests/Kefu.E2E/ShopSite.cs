using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Kefu.E2E;

/// <summary>
/// A third-party shop website on its own loopback port that embeds the widget with the one-line snippet (a real
/// server: the browser must see a real cross-origin page, not an intercepted one).
/// </summary>
public sealed class ShopSite : IAsyncDisposable
{
    private readonly WebApplication app;

    private ShopSite(WebApplication app, int port)
    {
        this.app = app;
        AllowedOrigin = $"http://localhost:{port}";
        OtherOrigin = $"http://127.0.0.1:{port}";
    }

    public string AllowedOrigin { get; }

    public string OtherOrigin { get; }

    public Guid InboxId { get; set; }

    public static async Task<ShopSite> StartAsync(string kefuUrl)
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(o => o.ListenLocalhost(port));
        var app = builder.Build();
        ShopSite? site = null;
        app.MapGet("/", () => Results.Content($"""
            <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>别人的网店</title></head>
            <body><h1>第三方网店</h1><script src="{kefuUrl}/widget/kefu.js" data-inbox="{site!.InboxId}" async></script></body></html>
            """, "text/html; charset=utf-8"));
        site = new ShopSite(app, port);
        await app.StartAsync();
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
