using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.E2E;

/// <summary>An admin writes an automation rule in the Chinese UI; the next matching customer message is handled by it.</summary>
[Collection(ServerCollection.Name)]
public sealed class AutomationAdminTests(KefuServer server)
{
    [Fact]
    public async Task AdminPage_CreateRule_NextMatchingMessageIsTaggedAndRaised()
    {
        var token = Guid.NewGuid().ToString("N")[..6];
        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync("/login");
        await page.FillAsync("#email", KefuServer.AdminEmail);
        await page.FillAsync("#password", KefuServer.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();

        await page.GetByTestId("nav-admin").ClickAsync();
        await page.GetByTestId("nav-automation").ClickAsync();
        await Expect(page.Locator("#page-title")).ToHaveTextAsync("自动化");
        // The shipped rules are listed.
        await Expect(page.GetByTestId("rule-item").Filter(new() { HasText = "投诉优先处理" })).ToBeVisibleAsync();

        await page.GetByTestId("rule-new").ClickAsync();
        // Saving without a name says so under the field.
        await page.GetByTestId("rule-save").ClickAsync();
        await Expect(page.GetByTestId("error-name")).ToBeVisibleAsync();

        await page.GetByTestId("rule-name").FillAsync($"发票问题 {token}");
        await page.GetByTestId("rule-trigger").SelectOptionAsync("MessageReceived");
        await page.GetByTestId("condition-add").ClickAsync();
        await page.GetByTestId("condition-field").SelectOptionAsync("Text");
        await page.GetByTestId("condition-operator").SelectOptionAsync("Contains");
        await page.GetByTestId("condition-value").FillAsync($"发票{token}");
        await page.GetByTestId("action-value").First.FillAsync($"invoice-{token}");
        await page.GetByTestId("action-add").ClickAsync();
        await page.GetByTestId("action-type").Nth(1).SelectOptionAsync("SetPriority");
        // The value control becomes a list of priorities once the page has re-rendered the row.
        await Expect(page.Locator("select[data-testid=action-value]")).ToHaveCountAsync(1);
        await page.Locator("select[data-testid=action-value]").SelectOptionAsync("high");
        await page.GetByTestId("rule-save").ClickAsync();
        await Expect(page.GetByTestId("rule-item").Filter(new() { HasText = $"发票问题 {token}" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, "admin-automation.png"), FullPage = true });

        var number = await server.CreateConversationAsync("开票", "钱女士", $"{token}@example.cn", $"请问发票{token}怎么开？");

        var conversation = await EventuallyAsync(async () =>
        {
            await using var scope = server.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Kefu.Data.KefuDbContext>();
            return await db.Conversations.AsNoTracking().SingleAsync(c => c.Number == number);
        }, c => c.Tags.Contains($"invoice-{token}"));
        Assert.Contains($"invoice-{token}", conversation.Tags);
        Assert.Equal(Kefu.Core.Tickets.Priority.High, conversation.Priority);
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        for (var i = 0; ; i++)
        {
            var value = await read();
            if (done(value) || i == 100)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}
