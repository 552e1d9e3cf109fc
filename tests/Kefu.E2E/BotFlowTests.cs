using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.E2E;

/// <summary>
/// A bot flow end to end: an admin creates the "订单查询" flow from its template in the Chinese admin UI, points its
/// lookup at the shop's order API (a real HTTP server on loopback), enables it for one inbox and tries it in the
/// console; a visitor in the widget asks "我的订单到哪了", is asked for the order number, gives it, and gets the status.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class BotFlowTests(KefuServer server)
{
    [Fact]
    public async Task Flow_AdminCreatesOrderStatusFromTemplate_VisitorGetsTheStatusInTheWidget()
    {
        await using var shop = await OrderApi.StartAsync();
        using var admin = await server.AdminClientAsync();
        await ChatFixture.EventuallyAsync(() => admin.GetFromJsonAsync<JsonObject>("/api/v1/assistant/status")!,
            s => s!["ready"]!.GetValue<bool>(), "the assistant's models", 60);
        var chat = await server.CreateChatSetupAsync(bot: true);

        await using var adminContext = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN" });
        var page = await adminContext.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync("/login");
        await page.FillAsync("#email", KefuServer.AdminEmail);
        await page.FillAsync("#password", KefuServer.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
        await page.GetByTestId("nav-admin").ClickAsync();
        await page.GetByTestId("nav-bot-flows").ClickAsync();
        await Expect(page.Locator("#page-title")).ToHaveTextAsync("机器人流程");

        await page.GetByTestId("flow-template-order").ClickAsync();
        var editor = page.GetByTestId("flow-editor");
        await Expect(editor).ToBeVisibleAsync();
        await Expect(page.GetByTestId("flow-step")).ToHaveCountAsync(4);
        // Enabled without a lookup URL: the step says what is missing.
        await page.GetByTestId("flow-enabled").CheckAsync();
        await page.GetByTestId("flow-save").ClickAsync();
        await Expect(page.GetByTestId("step-error-1")).ToContainTextAsync("url");

        await page.GetByTestId("step-url-1").FillAsync(shop.OrderUrl);
        await page.GetByTestId($"flow-inbox-{chat.InboxId}").CheckAsync();
        await page.GetByTestId("flow-save").ClickAsync();
        await Expect(page.GetByTestId("step-error-1")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("flow-row").Filter(new() { HasText = "订单查询" }).GetByTestId("flow-status")).ToHaveTextAsync("已启用");

        // The console runs the flow against the real lookup.
        await page.GetByTestId("flow-console-text").FillAsync("我的订单到哪了");
        await page.GetByTestId("flow-console-send").ClickAsync();
        var consoleBot = page.Locator("[data-testid=flow-console-line][data-from=bot]");
        await Expect(consoleBot.Last).ToContainTextAsync("请告诉我您的订单号");
        await page.GetByTestId("flow-console-text").FillAsync("A20240518001");
        await page.GetByTestId("flow-console-send").ClickAsync();
        await Expect(consoleBot.Last).ToContainTextAsync("订单 A20240518001 的状态：已发货");
        await page.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, "admin-bot-flow.png"), FullPage = true });

        await using var visitorContext = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN" });
        var visitor = await visitorContext.NewPageAsync();
        await visitor.GotoAsync(chat.DemoUrl());
        await visitor.GetByTestId("kefu-launcher").ClickAsync();
        await Expect(visitor.GetByTestId("kefu-composer")).ToBeVisibleAsync();
        var bot = visitor.Locator("[data-testid=kefu-message][data-from=bot]");

        await visitor.GetByTestId("kefu-input").FillAsync("你好，我的订单到哪了？");
        await visitor.GetByTestId("kefu-send").ClickAsync();
        await Expect(bot.Last).ToContainTextAsync("请告诉我您的订单号");
        var order = "A" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        await visitor.GetByTestId("kefu-input").FillAsync($"订单号是 {order}");
        await visitor.GetByTestId("kefu-send").ClickAsync();
        await Expect(bot.Last).ToContainTextAsync($"订单 {order} 的状态：已发货");
        await Expect(bot.Last).ToContainTextAsync($"物流单号：SF{order}");
        await visitor.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, "bot-flow-order-status.png") });
        Assert.Contains($"/api/orders/{order}", shop.Paths);
    }

    /// <summary>The shop's order API on loopback: every order has shipped.</summary>
    private sealed class OrderApi : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> paths = new();

        private OrderApi(WebApplication app) => this.app = app;

        public string OrderUrl { get; private set; } = "";

        public IReadOnlyList<string> Paths => paths.ToList();

        public static async Task<OrderApi> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var api = new OrderApi(app);
            app.MapGet("/api/orders/{id}", (string id, HttpContext http) =>
            {
                api.paths.Enqueue(http.Request.Path);
                return Results.Json(new { status = "已发货", trackingNumber = "SF" + id });
            });
            await app.StartAsync();
            api.OrderUrl = app.Urls.First().TrimEnd('/') + "/api/orders/{{order_number}}";
            return api;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
