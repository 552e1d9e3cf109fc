using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kefu.Server.Tests.Assistant;

/// <summary>One request the shop's lookup got: the path and the API key header.</summary>
public sealed record LookupHit(string Method, string Path, string ApiKey, string Body);

/// <summary>
/// A shop's order lookup on 127.0.0.1 (Kestrel on a free port), answering by the order number's prefix: NF → 404,
/// ERR → 500, SLOW → answers after 5 s, MOV → a redirect elsewhere, HTML → a status with markup, anything else →
/// the order as JSON ({"status": "已发货", "trackingNumber": "SF…"}).
/// </summary>
public sealed class ShopLookup : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<LookupHit> hits = new();

    private ShopLookup(WebApplication app) => this.app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The URL template a flow's lookup step uses.</summary>
    public string OrderUrl => BaseUrl + "/api/orders/{{order_number}}";

    public IReadOnlyList<LookupHit> Hits => hits.ToList();

    public static async Task<ShopLookup> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var shop = new ShopLookup(app);
        app.Map("/api/orders/{id}", async (string id, HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            shop.hits.Enqueue(new LookupHit(http.Request.Method, http.Request.Path, http.Request.Headers["X-Api-Key"].ToString(), await reader.ReadToEndAsync()));
            if (id.StartsWith("NF", StringComparison.Ordinal))
            {
                return Results.NotFound();
            }

            if (id.StartsWith("ERR", StringComparison.Ordinal))
            {
                return Results.StatusCode(500);
            }

            if (id.StartsWith("MOV", StringComparison.Ordinal))
            {
                return Results.Redirect("http://127.0.0.2:1/elsewhere");
            }

            if (id.StartsWith("SLOW", StringComparison.Ordinal))
            {
                await Task.Delay(5_000, http.RequestAborted);
            }

            var status = id.StartsWith("HTML", StringComparison.Ordinal) ? "<b onclick=\"x()\">已发货</b>" : "已发货";
            return Results.Json(new { status, trackingNumber = "SF" + id, order = new { id } });
        });
        await app.StartAsync();
        shop.BaseUrl = app.Urls.First().TrimEnd('/');
        return shop;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
