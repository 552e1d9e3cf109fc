using System.Text;
using Kefu.Core.Channels.Email;
using Kefu.Server.Features.Email;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Kefu.Server.Tests.Email;

/// <summary>
/// The real Postfix + Dovecot that test.sh starts (KEFU_TEST_MAIL_*). Each test uses folders of its own under the one
/// test user — mail to user+folder@localhost is filed into that folder — so parallel tests never see each other's mail.
/// A missing mail server fails the test; it never skips it.
/// </summary>
public sealed class TestMail
{
    public string Host { get; } = Required("KEFU_TEST_MAIL_HOST");
    public string User { get; } = Required("KEFU_TEST_MAIL_USER");
    public string Password { get; } = Required("KEFU_TEST_MAIL_PASSWORD");
    public string Domain { get; } = Environment.GetEnvironmentVariable("KEFU_TEST_MAIL_DOMAIN") ?? "localhost";
    public int SmtpPort { get; } = int.Parse(Environment.GetEnvironmentVariable("KEFU_TEST_MAIL_SMTP_PORT") ?? "25");
    public int ImapPort { get; } = int.Parse(Environment.GetEnvironmentVariable("KEFU_TEST_MAIL_IMAP_PORT") ?? "143");

    private static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{name} is not set, so the e-mail tests cannot reach a mail server. Run ./test.sh from the repository root: it starts Postfix and Dovecot on 127.0.0.1 and exports KEFU_TEST_MAIL_*.");

    /// <summary>A new folder name (lower case: Postfix folds the address extension).</summary>
    public static string NewFolder(string prefix) => prefix + Unique.Id();

    /// <summary>The address whose mail lands in <paramref name="folder"/>.</summary>
    public string Address(string folder) => $"{User}+{folder}@{Domain}";

    public async Task<ImapClient> ImapAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync(Host, ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(User, Password);
        return client;
    }

    public async Task<IMailFolder> FolderAsync(ImapClient client, string folder)
    {
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        try
        {
            return await client.GetFolderAsync(folder) ?? throw new FolderNotFoundException(folder);
        }
        catch (FolderNotFoundException)
        {
            return await root.CreateAsync(folder, true) ?? throw new InvalidOperationException($"Could not create {folder}.");
        }
    }

    /// <summary>APPENDs a raw mail to a folder (creating it), as a mail server's delivery would.</summary>
    public async Task AppendAsync(string folder, byte[] raw)
    {
        using var client = await ImapAsync();
        var target = await FolderAsync(client, folder);
        using var stream = new MemoryStream(raw);
        await target.AppendAsync(new AppendRequest(await MimeMessage.LoadAsync(stream)));
        await client.DisconnectAsync(true);
    }

    /// <summary>A fixture with its {{PLACEHOLDERS}} replaced, byte for byte (the encoded bodies stay as they are).</summary>
    public static byte[] Fixture(string name, IReadOnlyDictionary<string, string> values)
    {
        var text = Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Email", "Fixtures", name)));
        foreach (var (key, value) in values)
        {
            text = text.Replace("{{" + key + "}}", value);
        }

        return Encoding.Latin1.GetBytes(text);
    }

    public async Task SendAsync(MimeMessage message)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(Host, SmtpPort, SecureSocketOptions.None);
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
    }

    /// <summary>Waits until a mail with this Message-ID arrives in the folder (Postfix delivers within a second or two).</summary>
    public async Task<MimeMessage> WaitForAsync(string folder, string messageId, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            using (var client = await ImapAsync())
            {
                var target = await FolderAsync(client, folder);
                await target.OpenAsync(FolderAccess.ReadOnly);
                var found = await target.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId));
                if (found.Count > 0)
                {
                    return await target.GetMessageAsync(found[0]);
                }
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"No mail with Message-ID {messageId} arrived in {folder}.");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>An inbox reading <paramref name="folder"/>, answering from its address, on the test mail server.</summary>
    public object InboxRequest(string folder, string? name = null, int? smtpPort = null, bool isDefault = false, string? signature = null) => new
    {
        name = name ?? "Support " + folder,
        address = Address(folder),
        displayName = "Kefu Support",
        imapHost = Host,
        imapPort = ImapPort,
        imapSecurity = "none",
        imapUser = User,
        imapPassword = Password,
        imapFolder = folder,
        smtpHost = Host,
        smtpPort = smtpPort ?? SmtpPort,
        smtpSecurity = "none",
        smtpUser = User,
        smtpPassword = Password,
        signature = signature ?? "{agent}\n{inbox}",
        pollSeconds = 30,
        isDefault,
    };

    public async Task<EmailInboxDto> CreateInboxAsync(HttpClient admin, string folder, int? smtpPort = null, bool isDefault = false)
    {
        // The folder must exist before the reader opens it.
        using (var client = await ImapAsync())
        {
            await FolderAsync(client, folder);
        }

        return await admin.PostJsonAsync("/api/v1/email-inboxes", InboxRequest(folder, smtpPort: smtpPort, isDefault: isDefault)).ReadAsync<EmailInboxDto>(HttpStatusCode.Created);
    }

    public static async Task<CheckResult> CheckAsync(KefuApp app, Guid inboxId)
    {
        var result = await app.Services.GetRequiredService<ImapReader>().CheckNowAsync(inboxId, CancellationToken.None);
        Assert.True(result.IsOk, result.Error?.Message);
        return result.Value;
    }

    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }

    public static string Key(string messageId) => MailAddresses.Key(messageId, default);
}
