using Kefu.Core.Common;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Llm;
using Kefu.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.E2E;

/// <summary>
/// An admin points Kefu at an OpenAI-compatible server (a fake one on 127.0.0.1) and tests the connection; an agent
/// then gets an AI reply draft in the composer (edited, not sent) and a summary — and no personal data left the server.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class LlmUiTests(KefuServer server)
{
    [Fact]
    public async Task Agent_DraftReplyAndSummary_FromTheConfiguredModel_PersonalDataRedacted()
    {
        var token = Guid.NewGuid().ToString("N")[..8];
        var email = $"wang{token}@example.com";
        await using var fake = await FakeOpenAi.StartAsync();
        fake.Reply = r =>
            r.IsDraft ? $"您好，退款{token}已受理，结果会发到 [EMAIL_1]。"
            : r.IsSummary ? $"客户要求退款{token}，手机 [PHONE_1]。"
            : r.IsGrounded ? "NO_ANSWER"
            : "OK";
        var number = await server.CreateConversationAsync($"退款 {token}", "王先生", email, $"我要退款{token}，手机13812345678，邮箱{email}，卡号6222021234567890128", Channel.Chat);

        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-US" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        try
        {
            await page.GotoAsync("/login");
            await page.FillAsync("#email", KefuServer.AdminEmail);
            await page.FillAsync("#password", KefuServer.AdminPassword);
            await page.GetByTestId("login-submit").ClickAsync();
            await WaitInteractiveAsync(page);

            // Admin → Language model: turn it on against the fake server and test the connection.
            await page.GetByTestId("nav-admin").ClickAsync();
            await page.GetByTestId("nav-llm").ClickAsync();
            await Expect(page.Locator("#page-title")).ToHaveTextAsync("Language model (AI)");
            await WaitInteractiveAsync(page);
            await page.GetByTestId("llm-enabled").CheckAsync();
            await page.GetByTestId("llm-url").FillAsync(fake.BaseUrl);
            await page.GetByTestId("llm-model").FillAsync("fake-model");
            await page.GetByTestId("llm-key").FillAsync("sk-e2e-" + token);
            await page.GetByTestId("llm-save").ClickAsync();
            await Expect(page.GetByTestId("llm-key")).ToHaveAttributeAsync("placeholder", "A key is stored; leave blank to keep it");
            await page.GetByTestId("llm-test").ClickAsync();
            await Expect(page.GetByTestId("llm-test-result")).ToHaveAttributeAsync("data-ok", "true");
            Assert.Equal("Bearer sk-e2e-" + token, fake.Requests.Last().Authorization);

            // The agent asks for a draft: it lands in the composer, nothing is sent.
            await page.GotoAsync($"/conversations/{number}");
            await WaitInteractiveAsync(page);
            await page.GetByTestId("llm-draft").ClickAsync();
            await Expect(page.GetByTestId("composer")).ToHaveValueAsync($"您好，退款{token}已受理，结果会发到 {email}。");
            await Expect(page.Locator("[data-testid=message][data-kind=outbound]")).ToHaveCountAsync(0);

            await page.GetByTestId("llm-summarize").ClickAsync();
            await Expect(page.GetByTestId("llm-summary")).ToHaveTextAsync($"客户要求退款{token}，手机 13812345678。");
            await page.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, "llm-draft-summary.png"), FullPage = true });

            var sent = fake.AllSent;
            foreach (var value in new[] { "13812345678", email, "6222021234567890128" })
            {
                Assert.DoesNotContain(value, sent);
            }
        }
        finally
        {
            // The server is shared by the browser tests: the bot of the others must not meet the model.
            await using var scope = server.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            await LlmCommands.SaveAsync(db, scope.ServiceProvider.GetRequiredService<LlmSecrets>(), Actor.System, DateTimeOffset.UtcNow,
                new LlmSettingsRequest(false, null, null, null, null, null, null, null, null, null), CancellationToken.None);
        }
    }

    private static async Task WaitInteractiveAsync(IPage page)
    {
        await Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
    }
}
