using System.Text.RegularExpressions;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.E2E;

/// <summary>An admin creates a business calendar and an SLA policy in the UI; an agent then sees the policy's countdown on a conversation.</summary>
[Collection(ServerCollection.Name)]
public sealed class SlaAdminTests(KefuServer server)
{
    [Fact]
    public async Task AdminCreatesCalendarAndPolicy_AgentSeesCountdownChip()
    {
        var token = Guid.NewGuid().ToString("N")[..6];
        var category = await CategoryAsync($"sla{token}", $"SLA test {token}");
        var agentEmail = $"agent-{token}@kefu.test";
        const string agentPassword = "agent-e2e-password-42";
        await AgentAsync(agentEmail, $"Agent {token}", agentPassword);

        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-US" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await SignInAsync(page, KefuServer.AdminEmail, KefuServer.AdminPassword);

        // A calendar open around the clock, every day (so the countdown does not depend on when the test runs).
        await page.GotoAsync("/admin/calendars");
        await Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
        await page.GetByTestId("calendar-new").ClickAsync();
        await page.GetByTestId("calendar-name").FillAsync($"24/7 {token}");
        await page.GetByTestId("calendar-zone").FillAsync("Asia/Shanghai");
        await page.GetByTestId("calendar-add-slot").ClickAsync();
        await page.GetByTestId("calendar-add-slot").ClickAsync();
        await Expect(page.GetByTestId("calendar-slot")).ToHaveCountAsync(7);
        await page.GetByTestId("calendar-slot").Nth(5).Locator("select").SelectOptionAsync("Saturday");
        await page.GetByTestId("calendar-slot").Nth(6).Locator("select").SelectOptionAsync("Sunday");
        for (var i = 0; i < 7; i++)
        {
            var row = page.GetByTestId("calendar-slot").Nth(i);
            await row.Locator("input").Nth(0).FillAsync("00:00");
            await row.Locator("input").Nth(1).FillAsync("24:00");
        }

        await page.GetByTestId("calendar-save").ClickAsync();
        await Expect(page.GetByTestId("calendar-list")).ToContainTextAsync($"24/7 {token}");
        await Expect(page.GetByTestId("calendar-item").Filter(new() { HasText = $"24/7 {token}" })).ToContainTextAsync("open now");

        // A policy for the test's category on that calendar: first response within 30 minutes.
        await page.GotoAsync("/admin/sla-policies");
        await Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
        await page.GetByTestId("policy-new").ClickAsync();
        await page.GetByTestId("policy-name").FillAsync($"VIP chat {token}");
        await page.Locator("#policy-position").FillAsync("0");
        await page.GetByTestId("policy-calendar").SelectOptionAsync(new SelectOptionValue { Label = $"24/7 {token}" });
        await page.GetByTestId("policy-editor").Locator("select[multiple]").SelectOptionAsync(new SelectOptionValue { Label = $"SLA test {token}" });
        await page.GetByTestId("policy-first-response").FillAsync("30");
        await page.GetByTestId("policy-save").ClickAsync();
        await Expect(page.Locator($"[data-testid=policy-item][data-name='VIP chat {token}']")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, "admin-sla-policy.png"), FullPage = true });
        var stored = await DbAsync(db => db.SlaPolicies.AsNoTracking().SingleAsync(p => p.Name == $"VIP chat {token}"));
        Assert.Equal(30, stored.FirstResponseMinutes);
        Assert.Equal([category], stored.CategoryIds);
        Assert.NotNull(stored.CalendarId);

        // A customer writes in that category: the agent sees the countdown in the list and on the conversation.
        var number = await ConversationAsync(category, token);
        await using var agentContext = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-US" });
        var agent = await agentContext.NewPageAsync();
        agent.SetDefaultTimeout(20_000);
        await SignInAsync(agent, agentEmail, agentPassword);
        await agent.GotoAsync($"/conversations/{number}");
        await Expect(agent.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
        var chip = agent.GetByTestId("conversation-title").Locator("..").GetByTestId("sla-chip");
        await Expect(chip).ToHaveTextAsync(new Regex(@"Due in (29|30)m"));
        await Expect(chip).ToHaveAttributeAsync("data-state", "ok");
        await agent.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, "sla-countdown.png"), FullPage = true });

        // The agent records a promise in the service panel; it is listed on "My promises".
        await agent.GetByTestId("promise-form").Locator("summary").ClickAsync();
        await agent.GetByTestId("promise-text").FillAsync($"Call back {token}");
        await agent.GetByTestId("promise-due").FillAsync(DateTime.Now.AddHours(2).ToString("yyyy-MM-ddTHH:mm"));
        await agent.GetByTestId("promise-submit").ClickAsync();
        await Expect(agent.GetByTestId("promise")).ToContainTextAsync($"Call back {token}");
        await agent.GetByTestId("nav-promises").ClickAsync();
        await Expect(agent.GetByTestId("my-promise")).ToContainTextAsync($"Call back {token}");

        // The routing settings page shows every team with its rule.
        await page.GotoAsync("/admin/routing");
        await Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("routing-settings")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("timeout-chat")).ToHaveValueAsync("2");
        await page.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, "admin-routing.png"), FullPage = true });
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
    }

    private async Task<T> DbAsync<T>(Func<KefuDbContext, Task<T>> query)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<KefuDbContext>());
    }

    private Task<Guid> CategoryAsync(string key, string name) => DbAsync(async db =>
    {
        var category = Category.Create(Guid.NewGuid(), key, name, name, 900).Value;
        db.Categories.Add(category);
        await db.SaveChangesAsync();
        return category.Id;
    });

    private async Task AgentAsync(string email, string name, string password)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<AgentAccounts>().CreateAsync(Actor.System, DateTimeOffset.UtcNow,
            new CreateAgentRequest(email, name, Kefu.Core.Agents.AgentRole.Agent, [], "en", password), CancellationToken.None);
        Assert.True(created.IsOk, created.Error?.ToString());
    }

    private Task<long> ConversationAsync(Guid category, string token) => DbAsync(async db =>
    {
        var result = await ConversationCommands.CreateAsync(db, Actor.System, DateTimeOffset.UtcNow,
            new CreateConversationRequest(Channel.Chat, $"Where is my parcel {token}", null, new CustomerRef(IdentityKind.Email, null, $"{token}@example.com", "Li Lei", null),
                new NewMessage(MessageKind.Inbound, "Where is my parcel?", null, null, null), Priority.Normal, category, null, null, null),
            CancellationToken.None);
        return result.Value.Detail.Conversation.Number;
    });
}
