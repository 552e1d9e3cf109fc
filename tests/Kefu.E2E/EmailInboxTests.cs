using Kefu.Core.Channels.Email;
using Kefu.Data;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.E2E;

/// <summary>
/// An admin configures an e-mail inbox against the real Postfix + Dovecot of test.sh and sees the connection test
/// pass; an agent then answers an e-mail conversation in the workspace and the customer receives the mail.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class EmailInboxTests(KefuServer server)
{
    private static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
        ? v
        : throw new InvalidOperationException($"{name} is not set: run ./test.sh, which starts Postfix and Dovecot and exports KEFU_TEST_MAIL_*.");

    [Fact]
    public async Task AdminConfiguresInbox_ConnectionTestPasses_AgentReplyArrivesByMail()
    {
        var host = Env("KEFU_TEST_MAIL_HOST");
        var user = Env("KEFU_TEST_MAIL_USER");
        var password = Env("KEFU_TEST_MAIL_PASSWORD");
        var token = Guid.NewGuid().ToString("N")[..10];
        var folder = "e2e" + token;
        var customerFolder = "e2ec" + token;
        using (var imap = new ImapClient())
        {
            await imap.ConnectAsync(host, 143, SecureSocketOptions.None);
            await imap.AuthenticateAsync(user, password);
            await imap.GetFolder(imap.PersonalNamespaces[0]).CreateAsync(folder, true);
        }

        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-US" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync("/login");
        await page.FillAsync("#email", KefuServer.AdminEmail);
        await page.FillAsync("#password", KefuServer.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();

        await page.GetByTestId("nav-admin").ClickAsync();
        await page.GetByTestId("nav-email-inboxes").ClickAsync();
        await Expect(page.Locator("#page-title")).ToHaveTextAsync("E-mail inboxes");
        await page.GetByTestId("email-new").ClickAsync();
        await Expect(page.GetByTestId("email-editor")).ToBeVisibleAsync();
        async Task Fill(string field, string value)
        {
            await page.GetByTestId("email-" + field).FillAsync(value);
            await page.GetByTestId("email-" + field).DispatchEventAsync("change");
        }

        await Fill("name", "Support " + token);
        await Fill("address", $"{user}+{folder}@localhost");
        await Fill("displayName", "Kefu Support");
        await Fill("imapHost", host);
        await Fill("imapPort", "143");
        await page.GetByTestId("email-imapSecurity").SelectOptionAsync("None");
        await Fill("imapUser", user);
        await Fill("imapPassword", password);
        await Fill("imapFolder", folder);
        await Fill("smtpHost", host);
        await Fill("smtpPort", "25");
        await page.GetByTestId("email-smtpSecurity").SelectOptionAsync("None");
        await Fill("smtpUser", user);
        await Fill("smtpPassword", password);
        // The conversation below was not started by a mail: only the default inbox answers it.
        await page.GetByTestId("email-default").CheckAsync();

        await page.GetByTestId("email-test").ClickAsync();
        await Expect(page.GetByTestId("email-test-result")).ToHaveAttributeAsync("data-ok", "true");
        await Expect(page.GetByTestId("email-test-imap")).ToContainTextAsync("Signed in");
        await Expect(page.GetByTestId("email-test-smtp")).ToContainTextAsync("Signed in");
        await page.GetByTestId("email-save").ClickAsync();
        await Expect(page.GetByTestId("email-item").Filter(new() { HasText = "Support " + token })).ToBeVisibleAsync();
        // Saved passwords are never shown again.
        await Expect(page.GetByTestId("email-imapPassword")).ToHaveValueAsync("");
        await page.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, "admin-email-inbox.png"), FullPage = true });

        try
        {
            // An e-mail conversation; the agent answers it in the workspace.
            var number = await server.CreateConversationAsync($"Invoice {token}", "Li Lei", $"{user}+{customerFolder}@localhost", "Please send the invoice.");
            await page.GotoAsync($"/conversations/{number}");
            await Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
            await Expect(page.Locator("html[data-kefu-workspace=ready]")).ToHaveCountAsync(1);
            var composer = page.GetByTestId("composer");
            await composer.ClickAsync();
            await composer.PressSequentiallyAsync("The invoice is on its way.");
            await composer.PressAsync("Control+Enter");
            await Expect(page.Locator("[data-testid=message][data-kind=outbound]")).ToContainTextAsync("The invoice is on its way.");

            var messageId = await EventuallyAsync(async () =>
            {
                await using var scope = server.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
                var conversation = await db.Conversations.AsNoTracking().SingleAsync(c => c.Number == number);
                return await db.EmailMessages.AsNoTracking()
                    .Where(m => m.ConversationId == conversation.Id && m.Direction == MailDirection.Outbound && m.Status == MailStatus.Sent)
                    .Select(m => m.MessageId).FirstOrDefaultAsync();
            });
            using var reader = new ImapClient();
            await reader.ConnectAsync(host, 143, SecureSocketOptions.None);
            await reader.AuthenticateAsync(user, password);
            var delivered = await EventuallyAsync(async () =>
            {
                try
                {
                    var inbox = await reader.GetFolderAsync(customerFolder);
                    await inbox.OpenAsync(FolderAccess.ReadOnly);
                    var found = await inbox.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId!));
                    return found.Count == 0 ? null : await inbox.GetMessageAsync(found[0]);
                }
                catch (FolderNotFoundException)
                {
                    return null;
                }
            });
            Assert.Contains($"[#{number}]", delivered!.Subject);
            Assert.Contains("The invoice is on its way.", delivered.TextBody);
        }
        finally
        {
            // Later tests in this collection answer e-mail conversations of made-up customers: no mail for them.
            await using var scope = server.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            await db.EmailInboxes.ExecuteDeleteAsync();
        }
    }

    private static async Task<T?> EventuallyAsync<T>(Func<Task<T?>> read)
    {
        for (var i = 0; ; i++)
        {
            if (await read() is { } value)
            {
                return value;
            }

            if (i == 300)
            {
                throw new TimeoutException("gave up waiting");
            }

            await Task.Delay(100);
        }
    }
}
