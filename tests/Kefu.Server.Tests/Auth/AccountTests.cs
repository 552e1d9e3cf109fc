using System.Net;
using System.Text.RegularExpressions;
using Kefu.Core.Agents;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Auth;

public sealed partial class AccountTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Login_RightPassword_SetsACookieThatWorksForTheApi(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        using var session = await app.SignInAsync(agent.Email.ToUpperInvariant(), agent.Password);

        var me = await session.GetAsync($"{Api.Agents}/me").ReadAsync<Features.Admin.AgentDto>(HttpStatusCode.OK);
        Assert.Equal(agent.Id, me.Id);
        await session.PostJsonAsync(Api.Conversations, Api.NewConversation()).ExpectAsync(HttpStatusCode.Created);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Login_WrongPasswordOrUnknownEmail_RedirectsBackWithAnError(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        using var client = app.CookieClient();

        using var wrong = await KefuApp.PostLoginAsync(client, agent.Email, "not-the-password", "/somewhere");
        using var unknown = await KefuApp.PostLoginAsync(client, $"nobody-{Unique.Id()}@agents.test", "whatever-password", "/");

        Assert.Equal("/login?error=invalid&returnUrl=%2Fsomewhere", wrong.Headers.Location?.OriginalString);
        Assert.StartsWith("/login?error=invalid", unknown.Headers.Location?.OriginalString);
        await client.GetAsync($"{Api.Agents}/me").ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Login_ExternalReturnUrl_RedirectsHome(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        using var client = app.CookieClient();

        using var response = await KefuApp.PostLoginAsync(client, agent.Email, agent.Password, "//evil.example/steal");

        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Login_WithoutAntiforgeryToken_IsRejected(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        using var client = app.CookieClient();

        using var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = agent.Email, ["password"] = agent.Password, ["returnUrl"] = "/",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await client.GetAsync($"{Api.Agents}/me").ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Logout_SignedIn_EndsTheSession(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        using var session = await app.SignInAsync(agent.Email, agent.Password);

        // A cross-site post has no antiforgery token (or no form at all): the session survives.
        using var noForm = await session.PostAsync("/account/logout", null);
        using var forged = await session.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" }));
        Assert.False(noForm.IsSuccessStatusCode || noForm.StatusCode == HttpStatusCode.Redirect);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync($"{Api.Agents}/me")).StatusCode);

        var page = await session.GetStringAsync("/");
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        using var response = await session.PostAsync("/account/logout",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token) }));

        Assert.Equal("/login", response.Headers.Location?.OriginalString);
        await session.GetAsync($"{Api.Agents}/me").ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ChangePassword_OneTimePassword_IsReplacedAndNoLongerForced(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var email = $"otp-{Unique.Id()}@agents.test";
        var created = await admin.Http.PostJsonAsync(Api.Agents, new { email, displayName = "OTP", role = "agent" })
            .ReadAsync<Features.Admin.CreatedAgent>(HttpStatusCode.Created);
        using var client = app.CookieClient();
        using var login = await KefuApp.PostLoginAsync(client, email, created.OneTimePassword!, "/inbox");
        Assert.Equal("/account/password?returnUrl=%2Finbox", login.Headers.Location?.OriginalString);
        const string chosen = "my-own-password-2024";

        using var mismatch = await PostPasswordAsync(client, created.OneTimePassword!, chosen, chosen + "x");
        using var wrongCurrent = await PostPasswordAsync(client, "not-the-current-one", chosen, chosen);
        using var changed = await PostPasswordAsync(client, created.OneTimePassword!, chosen, chosen);

        // A failed attempt keeps where the agent was going.
        Assert.Equal("/account/password?error=mismatch&returnUrl=%2Finbox", mismatch.Headers.Location?.OriginalString);
        Assert.Equal("/account/password?error=current&returnUrl=%2Finbox", wrongCurrent.Headers.Location?.OriginalString);
        Assert.Equal("/inbox", changed.Headers.Location?.OriginalString);
        Assert.False(await app.DbAsync(d => d.Users.Where(u => u.Email == email).Select(u => u.MustChangePassword).SingleAsync()));
        using var again = await app.SignInAsync(email, chosen);
        Assert.Equal(AgentRole.Agent, (await again.GetAsync($"{Api.Agents}/me").ReadAsync<Features.Admin.AgentDto>(HttpStatusCode.OK)).Role);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Culture_ChineseChosen_PagesRenderInChinese(string db)
    {
        var app = await AppAsync(db);
        using var client = app.CookieClient();

        using var response = await client.GetAsync("/account/culture?culture=zh-CN&returnUrl=%2Flogin");
        var page = await client.GetStringAsync("/login");
        using var external = await client.GetAsync("/account/culture?culture=en&returnUrl=https%3A%2F%2Fevil.example");

        Assert.Equal("/login", response.Headers.Location?.OriginalString);
        Assert.Contains("<html lang=\"zh-CN\"", page);
        Assert.Equal("/", external.Headers.Location?.OriginalString);
        Assert.Contains("<html lang=\"en\"", await client.GetStringAsync("/login"));
    }

    /// <summary>The change-password form: GET the page for its antiforgery token, then POST it.</summary>
    private static async Task<HttpResponseMessage> PostPasswordAsync(HttpClient client, string current, string password, string confirm)
    {
        var page = await client.GetStringAsync("/account/password?returnUrl=%2Finbox");
        var token = Regex.Match(page, @"name=""__RequestVerificationToken""[^>]*?value=""([^""]+)""").Groups[1].Value;
        Assert.NotEmpty(token);
        return await client.PostAsync("/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["current"] = current, ["password"] = password, ["confirm"] = confirm, ["returnUrl"] = "/inbox",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
