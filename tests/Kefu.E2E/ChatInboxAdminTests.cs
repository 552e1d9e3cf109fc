using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.E2E;

/// <summary>An admin configures a chat inbox in the UI; the widget's public configuration follows.</summary>
[Collection(ServerCollection.Name)]
public sealed class ChatInboxAdminTests(KefuServer server)
{
    [Fact]
    public async Task AdminPage_CreateEditRotate_WidgetConfigFollows()
    {
        var token = Guid.NewGuid().ToString("N")[..6];
        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync("/login");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "登录" })).ToBeVisibleAsync();
        await page.FillAsync("#email", KefuServer.AdminEmail);
        await page.FillAsync("#password", KefuServer.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();

        await page.GetByTestId("nav-admin").ClickAsync();
        await page.GetByTestId("nav-chat-inboxes").ClickAsync();
        await Expect(page.Locator("#page-title")).ToHaveTextAsync("在线聊天入口");
        await page.GetByTestId("inbox-new-name").FillAsync($"官网客服 {token}");
        await page.GetByTestId("inbox-create").ClickAsync();
        await Expect(page.GetByTestId("inbox-name")).ToHaveValueAsync($"官网客服 {token}");
        var embed = await page.GetByTestId("inbox-embed").InputValueAsync();
        var inboxId = Regex.Match(embed, "data-inbox=\"([0-9a-f-]{36})\"").Groups[1].Value;
        Assert.Contains("/widget/kefu.js", embed);

        // A bad colour is refused with a message under the field; nothing is saved.
        await page.GetByTestId("inbox-color").FillAsync("purple");
        await page.GetByTestId("inbox-save").ClickAsync();
        await Expect(page.GetByTestId("error-color")).ToBeVisibleAsync();

        await page.GetByTestId("inbox-color").FillAsync("#e4572e");
        await page.GetByTestId("inbox-title-zh").FillAsync($"售后咨询 {token}");
        await page.GetByTestId("inbox-greeting-zh").FillAsync("您好，售后问题请在这里留言。");
        await page.GetByTestId("inbox-position").SelectOptionAsync("Left");
        await page.GetByTestId("inbox-save").ClickAsync();
        await Expect(page.GetByTestId("error-color")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, "admin-chat-inbox.png"), FullPage = true });

        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var config = await EventuallyAsync(() => http.GetFromJsonAsync<JsonObject>($"/widget/{inboxId}/config"), c => c!["color"]!.GetValue<string>() == "#e4572e");
        Assert.Equal($"售后咨询 {token}", config!["title"]!["zh-CN"]!.GetValue<string>());
        Assert.Equal("您好，售后问题请在这里留言。", config["greeting"]!["zh-CN"]!.GetValue<string>());
        Assert.Equal("left", config["position"]!.GetValue<string>());

        // The secret is masked until revealed; rotating it replaces it.
        await Expect(page.GetByTestId("inbox-secret")).ToHaveValueAsync(new Regex("^•+$"));
        await page.GetByTestId("inbox-secret-toggle").ClickAsync();
        await Expect(page.GetByTestId("inbox-secret")).ToHaveValueAsync(new Regex("^[0-9a-f]{64}$"));
        var before = await page.GetByTestId("inbox-secret").InputValueAsync();
        await page.GetByTestId("inbox-rotate").ClickAsync();
        await Expect(page.GetByTestId("inbox-secret")).Not.ToHaveValueAsync(before);
        await Expect(page.GetByTestId("inbox-secret")).ToHaveValueAsync(new Regex("^[0-9a-f]{64}$"));
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        for (var i = 0; ; i++)
        {
            var value = await read();
            if (done(value) || i == 50)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}
