using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.E2E;

/// <summary>An agent signs in, filters the list, opens a conversation, replies and changes it — in English and in Chinese.</summary>
[Collection(ServerCollection.Name)]
public sealed class AgentUiTests(KefuServer server)
{
    [Theory]
    [InlineData("en")]
    [InlineData("zh-CN")]
    public async Task AgentWorkflow_SignInFilterOpenReply_ReplyShownAndStatusOpen(string language)
    {
        var token = Guid.NewGuid().ToString("N")[..8];
        var chinese = language == "zh-CN";
        var subject = chinese ? $"退款还没到账 {token}" : $"Refund not received {token}";
        var customerText = chinese ? "我上周申请的退款还没有到账，麻烦帮我查一下。" : "I asked for a refund last week and it has not arrived yet.";
        var reply = chinese ? $"您好，已为您查询，退款将在 1-3 个工作日内到账。{token}" : $"Hello, the refund will arrive within 1-3 business days. {token}";
        var number = await server.CreateConversationAsync(subject, chinese ? "王丽" : "Alice Smith", $"{token}@example.com", customerText);
        await server.CreateConversationAsync(chinese ? $"发票问题 {token}x" : $"Invoice question {token}x", "Other", $"{token}x@example.com", "other");

        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-US" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);

        // Anonymous visitors are sent to the sign-in page; the language can be switched there.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        if (chinese)
        {
            await page.GetByTestId("language-switch").ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "登录" })).ToBeVisibleAsync();
        }

        await page.FillAsync("#email", KefuServer.AdminEmail);
        await page.FillAsync("#password", KefuServer.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await WaitInteractiveAsync(page);
        await Expect(page.Locator("#page-title")).ToHaveTextAsync(chinese ? "会话" : "Conversations");

        // Filter: status New, then search the unique token: exactly our two conversations, then one.
        await page.GetByTestId("filter-status").SelectOptionAsync("new");
        await page.GetByTestId("search").FillAsync(token);
        await page.GetByTestId("search-submit").ClickAsync();
        await Expect(page.GetByTestId("conversation-row")).ToHaveCountAsync(2);
        await page.GetByTestId("search").FillAsync(chinese ? "退款还没" : "refund NOT");
        await page.GetByTestId("search-submit").ClickAsync();
        await Expect(page.Locator($"[data-number='{number}']")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("conversation-row").Filter(new() { HasText = token + "x" })).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, $"list-{language}.png"), FullPage = true });

        // Open it: the customer's message and profile are there.
        await page.Locator($"[data-number='{number}'] a").First.ClickAsync();
        await WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("conversation-title")).ToContainTextAsync(subject);
        await Expect(page.GetByTestId("messages")).ToContainTextAsync(customerText);
        await Expect(page.GetByTestId("customer-panel")).ToContainTextAsync($"{token}@example.com");

        // Reply: the reply appears as an outbound message and the new conversation becomes open.
        await page.GetByTestId("composer").FillAsync(reply);
        await page.GetByTestId("send").ClickAsync();
        await Expect(page.Locator("[data-testid=message][data-kind=outbound]")).ToContainTextAsync(reply);
        await Expect(page.GetByTestId("conversation-title").Locator("..").GetByTestId("status-chip")).ToHaveTextAsync(chinese ? "处理中" : "Open");

        // A private note, then assign to me and set pending.
        await page.GetByTestId("compose-note").ClickAsync();
        await page.GetByTestId("composer").FillAsync(chinese ? "@王经理 请关注此退款" : "@manager please watch this refund");
        await page.GetByTestId("send").ClickAsync();
        await Expect(page.Locator("[data-testid=message][data-kind=note]")).ToHaveCountAsync(1);
        await page.GetByTestId("set-assignee").SelectOptionAsync(new SelectOptionValue { Label = "E2E Admin" });
        await Expect(page.GetByTestId("set-assignee").Locator("option:checked")).ToHaveTextAsync("E2E Admin");
        await page.GetByTestId("set-status").SelectOptionAsync("pending");
        await Expect(page.GetByTestId("conversation-title").Locator("..").GetByTestId("status-chip")).ToHaveTextAsync(chinese ? "等待客户" : "Pending");
        await page.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, $"conversation-{language}.png"), FullPage = true });

        // The reply survived a full reload (it is stored, not just rendered).
        await page.ReloadAsync();
        await WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=message][data-kind=outbound]")).ToContainTextAsync(reply);
    }

    [Fact]
    public async Task SignIn_WrongPassword_ShowsErrorAndStaysSignedOut()
    {
        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#email", KefuServer.AdminEmail);
        await page.FillAsync("#password", "not-the-password");
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.GetByTestId("login-error")).ToBeVisibleAsync();
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
    }

    [Fact]
    public async Task FirstSignIn_OneTimePassword_MustChooseNewPasswordThenWorks()
    {
        var email = $"new-{Guid.NewGuid():N}@kefu.test";
        var oneTime = await server.CreateAgentWithOneTimePasswordAsync(email, "New Agent");
        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", oneTime);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/password"));

        // Until a new password is chosen, the workspace is closed: every page leads back here.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/password"));

        await page.FillAsync("#current", oneTime);
        await page.FillAsync("#password", "new-secret-42x");
        await page.FillAsync("#confirm", "different-42x");
        await page.GetByTestId("password-submit").ClickAsync();
        await Expect(page.GetByTestId("password-error")).ToBeVisibleAsync();

        await page.FillAsync("#current", oneTime);
        await page.FillAsync("#password", "new-secret-42x");
        await page.FillAsync("#confirm", "new-secret-42x");
        await page.GetByTestId("password-submit").ClickAsync();
        await WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("current-agent")).ToHaveTextAsync("New Agent");

        // The one-time password no longer works; the new one does.
        await using var again = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl });
        var second = await again.NewPageAsync();
        await second.GotoAsync("/login");
        await second.FillAsync("#email", email);
        await second.FillAsync("#password", oneTime);
        await second.GetByTestId("login-submit").ClickAsync();
        await Expect(second.GetByTestId("login-error")).ToBeVisibleAsync();
        await second.FillAsync("#email", email);
        await second.FillAsync("#password", "new-secret-42x");
        await second.GetByTestId("login-submit").ClickAsync();
        await WaitInteractiveAsync(second);
    }

    /// <summary>Interactive pages are prerendered first; wait for the live circuit before clicking.</summary>
    private static Task WaitInteractiveAsync(IPage page) =>
        Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
}
