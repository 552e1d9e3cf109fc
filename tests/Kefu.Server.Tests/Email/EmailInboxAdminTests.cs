using Kefu.Server.Features.Email;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Email;

public sealed class EmailInboxAdminTests(Apps apps) : ServerTest(apps)
{
    private readonly TestMail mail = new();

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_PasswordsAreEncryptedAtRestAndNeverReturned(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var folder = TestMail.NewFolder("adm");

        var created = await mail.CreateInboxAsync(admin.Http, folder);

        Assert.True(created.HasImapPassword);
        Assert.True(created.HasSmtpPassword);
        var json = await admin.Http.GetStringAsync($"/api/v1/email-inboxes/{created.Id}");
        Assert.DoesNotContain(mail.Password, json);
        var stored = await app.DbAsync(d => d.EmailInboxes.AsNoTracking().Where(i => i.Id == created.Id).Select(i => i.ImapPasswordProtected + i.SmtpPasswordProtected).SingleAsync());
        Assert.DoesNotContain(mail.Password, stored);
        var activity = await app.DbAsync(d => d.Activities.AsNoTracking().Where(a => a.EntityId == created.Id).Select(a => a.Before + a.After).ToListAsync());
        Assert.DoesNotContain(activity, a => a.Contains(mail.Password));

        // An update without passwords keeps them: the reader still signs in.
        var request = (Dictionary<string, object?>)JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(mail.InboxRequest(folder), Http.Json), Http.Json)!;
        request.Remove("imapPassword");
        request.Remove("smtpPassword");
        request["name"] = "Renamed " + folder;
        var updated = await admin.Http.PutAsync($"/api/v1/email-inboxes/{created.Id}", Http.Body(request)).ReadAsync<EmailInboxDto>(HttpStatusCode.OK);
        Assert.Equal("Renamed " + folder, updated.Name);
        var check = await admin.Http.PostJsonAsync($"/api/v1/email-inboxes/{created.Id}/check", new { }).ReadAsync<CheckResult>(HttpStatusCode.OK);
        Assert.Equal(0, check.Quarantined);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TestConnection_GoodAndBadSettings_SayWhatWorksAndWhatNot(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var folder = TestMail.NewFolder("tst");
        var inbox = await mail.CreateInboxAsync(admin.Http, folder);

        var good = await admin.Http.PostJsonAsync("/api/v1/email-inboxes/test-connection", new { settings = mail.InboxRequest(folder) })
            .ReadAsync<ConnectionTestResult>(HttpStatusCode.OK);
        Assert.True(good.Ok, $"{good.Imap.Message} / {good.Smtp.Message}");
        Assert.Contains("IDLE", good.Imap.Message);

        // The stored password is used when the form leaves it blank.
        var request = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(mail.InboxRequest(folder), Http.Json), Http.Json)!;
        request["imapPassword"] = "";
        request["smtpPassword"] = "";
        var stored = await admin.Http.PostJsonAsync("/api/v1/email-inboxes/test-connection", new { inboxId = inbox.Id, settings = request })
            .ReadAsync<ConnectionTestResult>(HttpStatusCode.OK);
        Assert.True(stored.Ok, $"{stored.Imap.Message} / {stored.Smtp.Message}");

        request["imapPassword"] = "wrong-password";
        request["smtpPort"] = 9;
        request["imapFolder"] = folder;
        var bad = await admin.Http.PostJsonAsync("/api/v1/email-inboxes/test-connection", new { inboxId = inbox.Id, settings = request })
            .ReadAsync<ConnectionTestResult>(HttpStatusCode.OK);
        Assert.False(bad.Imap.Ok);
        Assert.Contains("user name or password", bad.Imap.Message);
        Assert.False(bad.Smtp.Ok);
        Assert.Contains("cannot connect", bad.Smtp.Message);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_InvalidSettings_AreFieldErrors_AndAgentsMayNotConfigure(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();

        var response = await admin.Http.PostJsonAsync("/api/v1/email-inboxes", new { name = "x", address = "not-an-address", imapPort = 70000 });
        var body = await response.ExpectAsync(HttpStatusCode.BadRequest);
        foreach (var field in new[] { "address", "imapHost", "imapPort", "imapUser", "imapPassword", "smtpHost" })
        {
            Assert.Contains($"\"{field}\"", body);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.Http.GetAsync("/api/v1/email-inboxes")).StatusCode);
    }
}
