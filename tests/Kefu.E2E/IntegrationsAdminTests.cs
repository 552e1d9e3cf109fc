using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.E2E;

/// <summary>An admin subscribes a webhook in the UI and watches the test delivery arrive; a visitor uses the hosted web form.</summary>
[Collection(ServerCollection.Name)]
public sealed class IntegrationsAdminTests(KefuServer server)
{
    [Fact]
    public async Task AdminPage_CreateWebhook_SendTest_DeliveryShowsDeliveredWithItsAttempt()
    {
        await using var receiver = await Receiver.StartAsync();
        var token = Guid.NewGuid().ToString("N")[..6];
        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await SignInAsync(page);

        await page.GetByTestId("nav-admin").ClickAsync();
        await page.GetByTestId("nav-integrations").ClickAsync();
        await Expect(page.Locator("#page-title")).ToHaveTextAsync("集成");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Webhook" }).ClickAsync();
        await page.GetByTestId("hook-name").FillAsync($"CRM {token}");
        await page.GetByTestId("hook-url").FillAsync("ftp://nope");
        await page.GetByTestId("hook-create").ClickAsync();
        await Expect(page.GetByTestId("error-url")).ToBeVisibleAsync();

        await page.GetByTestId("hook-url").FillAsync(receiver.Url);
        await page.GetByTestId("hook-create").ClickAsync();
        await Expect(page.GetByTestId("secret-once")).ToHaveValueAsync(new Regex("^whsec_"));
        var row = page.GetByTestId("hook-list").Locator("tr", new() { HasText = $"CRM {token}" });
        await row.GetByTestId("hook-test").ClickAsync();

        // The page switches to the delivery log, which refreshes by itself.
        var delivery = page.GetByTestId("delivery-row").Filter(new() { HasText = $"CRM {token}" });
        await Expect(delivery.GetByTestId("delivery-status")).ToHaveTextAsync("已送达");
        await delivery.GetByTestId("delivery-open").ClickAsync();
        await Expect(page.GetByTestId("attempt-row")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("attempt-row")).ToContainTextAsync("200");
        await page.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, "admin-webhook-deliveries.png"), FullPage = true });
        Assert.Contains(receiver.Bodies, b => b.Contains("webhook.ping"));

        // Replay sends the same delivery again.
        await delivery.GetByTestId("delivery-replay").ClickAsync();
        await Expect(page.GetByTestId("attempt-row")).ToHaveCountAsync(2);
        Assert.Equal(2, receiver.Bodies.Count);

        await page.GetByRole(AriaRole.Tab, new() { Name = "Webhook" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "停用" }).ClickAsync();
        await Expect(row.Locator(".kefu-chip")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task HostedWebForm_WorksWithoutJavaScript_AndCreatesAConversation()
    {
        var token = Guid.NewGuid().ToString("N")[..6];
        await using var admin = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-US" });
        var adminPage = await admin.NewPageAsync();
        adminPage.SetDefaultTimeout(20_000);
        await SignInAsync(adminPage);
        await adminPage.GotoAsync("/admin/integrations");
        await Expect(adminPage.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
        await adminPage.GetByRole(AriaRole.Tab, new() { Name = "Web forms" }).ClickAsync();
        await adminPage.GetByTestId("form-new-name").FillAsync($"After-sales {token}");
        await adminPage.GetByTestId("form-create").ClickAsync();
        var link = adminPage.GetByTestId("form-list").Locator("tr", new() { HasText = $"After-sales {token}" }).GetByTestId("form-link");
        var href = await link.GetAttributeAsync("href");

        // A visitor with JavaScript switched off.
        await using var visitor = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN", JavaScriptEnabled = false });
        var page = await visitor.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync(href!);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "联系我们" })).ToBeVisibleAsync();
        await page.GetByTestId("form-submit").ClickAsync();
        await Expect(page.GetByTestId("form-error-email")).ToBeVisibleAsync();
        await page.GetByTestId("form-name").FillAsync("韩梅梅");
        await page.GetByTestId("form-email").FillAsync($"meimei-{token}@example.com");
        await page.GetByTestId("form-subject").FillAsync($"发票 {token}");
        await page.GetByTestId("form-message").FillAsync("请帮我开具增值税发票。");
        await page.GetByTestId("form-submit").ClickAsync();
        await Expect(page.GetByTestId("form-thanks")).ToContainTextAsync("感谢您的留言");
        var reference = Regex.Match(await page.GetByTestId("form-reference").InnerTextAsync(), @"\d{5,}").Value;
        await page.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, "web-form-thanks.png"), FullPage = true });

        await adminPage.GotoAsync($"/conversations/{reference}");
        await Expect(adminPage.GetByTestId("message-text").Filter(new() { HasText = "请帮我开具增值税发票。" })).ToBeVisibleAsync();
        await Expect(adminPage.GetByText($"发票 {token}").First).ToBeVisibleAsync();
    }

    private static async Task SignInAsync(IPage page)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#email", KefuServer.AdminEmail);
        await page.FillAsync("#password", KefuServer.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
    }

    /// <summary>A real HTTP receiver on 127.0.0.1 that answers 200 and keeps the bodies.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication app;

        private Receiver(WebApplication app) => this.app = app;

        public ConcurrentBag<string> Bodies { get; } = [];

        public string Url => app.Urls.First().TrimEnd('/') + "/events";

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            var receiver = new Receiver(builder.Build());
            receiver.app.MapPost("/events", async (HttpContext http) =>
            {
                using var reader = new StreamReader(http.Request.Body);
                receiver.Bodies.Add(await reader.ReadToEndAsync());
                return Results.Ok();
            });
            await receiver.app.StartAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
