using System.Text;
using Kefu.Core.Tickets;
using Kefu.Server.Features.WebForms;

namespace Kefu.Server.Tests.Integrations;

public sealed class WebFormTests(Apps apps) : ServerTest(apps)
{
    private static async Task<WebFormDto> CreateFormAsync(Caller admin, string? tag = null) =>
        await admin.Http.PostJsonAsync("/api/v1/web-forms", new { name = "Support " + Unique.Id(), tags = tag is null ? null : new[] { tag } }).ReadAsync<WebFormDto>(HttpStatusCode.Created);

    private static MultipartFormDataContent Fields(params (string Name, string Value)[] fields)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value, Encoding.UTF8), name);
        }

        return content;
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task HostedForm_RendersInBothLanguages_WithAHoneypotAndNoScript(string provider)
    {
        var app = await AppAsync(provider);
        var form = await CreateFormAsync(await app.AdminAsync());
        var http = app.Anonymous();

        var en = await http.GetStringAsync($"/form/{form.Id}?lang=en");
        var zh = await http.GetStringAsync($"/form/{form.Id}?lang=zh-CN");
        using var page = await http.GetAsync($"/form/{form.Id}?embed=1");

        Assert.Contains("Contact us", en);
        Assert.Contains("name=\"website\"", en);
        Assert.DoesNotContain("<script", en);
        Assert.Contains("联系我们", zh);
        Assert.Contains("留言内容", zh);
        Assert.Contains("frame-ancestors *", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains(form.Id.ToString(), form.EmbedCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/form/{Guid.NewGuid()}")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Submit_CreatesAWebFormConversationForTheEmail_AndRedirectsToThanks(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var tag = Api.Tag();
        var form = await CreateFormAsync(admin, tag);
        var email = Api.Email("form");

        using var response = await app.Anonymous().PostAsync($"/form/{form.Id}?lang=zh-CN",
            Fields(("name", "韩梅梅"), ("email", email), ("subject", "发票问题"), ("message", "请帮我开具发票。"), ("website", "")));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith($"/form/{form.Id}/thanks?lang=zh-CN", location);
        var thanks = await app.Anonymous().GetStringAsync(location);
        Assert.Contains("感谢您的留言", thanks);
        var list = await admin.Http.ListConversationsAsync($"tag={tag}");
        var conversation = Assert.Single(list.Items);
        Assert.Contains(conversation.Number.ToString(), location);
        Assert.Equal(Channel.WebForm, conversation.Channel);
        Assert.Equal("发票问题", conversation.Subject);
        Assert.Equal("韩梅梅", conversation.CustomerName);
        Assert.Equal("请帮我开具发票。", (await admin.Http.GetConversationAsync(conversation.Id)).Messages.Single().Text);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Submit_Honeypot_LooksAcceptedButKeepsNothing(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var tag = Api.Tag();
        var form = await CreateFormAsync(admin, tag);

        using var response = await app.Anonymous().PostAsync($"/form/{form.Id}",
            Fields(("email", Api.Email("bot")), ("message", "cheap pills"), ("website", "http://spam.example")));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Empty((await admin.Http.ListConversationsAsync($"tag={tag}")).Items);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Submit_Invalid_RerendersTheFormWithErrorsAndTheTypedValues(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var tag = Api.Tag();
        var form = await CreateFormAsync(admin, tag);

        using var response = await app.Anonymous().PostAsync($"/form/{form.Id}?lang=en", Fields(("name", "Tom <b>"), ("email", "not-an-email"), ("message", "")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"form-error-email\"", html);
        Assert.Contains("data-testid=\"form-error-message\"", html);
        Assert.Contains("value=\"Tom &lt;b&gt;\"", html);
        Assert.Empty((await admin.Http.ListConversationsAsync($"tag={tag}")).Items);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Submit_MoreThanTheHourlyLimitFromOneAddress_Is429Html(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var form = await CreateFormAsync(admin);
        var http = app.Anonymous();

        // The default limit is 10 per address and form an hour; honeypot posts count too.
        for (var i = 0; i < 10; i++)
        {
            using var ok = await http.PostAsync($"/form/{form.Id}", Fields(("email", Api.Email()), ("message", "hi"), ("website", "x")));
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        }

        using var refused = await http.PostAsync($"/form/{form.Id}", Fields(("email", Api.Email()), ("message", "hi")));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        var other = await CreateFormAsync(admin);
        using var elsewhere = await http.PostAsync($"/form/{other.Id}", Fields(("email", Api.Email()), ("message", "hi"), ("website", "x")));
        Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task WebForms_AdminApi_IsAdminOnly_AndDeactivatedFormsAreGone(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var form = await CreateFormAsync(admin);

        await agent.Http.GetAsync("/api/v1/web-forms").ExpectAsync(HttpStatusCode.Forbidden);
        var invalid = await admin.Http.PostJsonAsync("/api/v1/web-forms", new { name = " " }).ProblemAsync(HttpStatusCode.BadRequest);
        var patched = await admin.Http.PatchJsonAsync($"/api/v1/web-forms/{form.Id}", new { titleZh = "售后服务" }).ReadAsync<WebFormDto>(HttpStatusCode.OK);
        await admin.Http.DeleteAsync($"/api/v1/web-forms/{form.Id}");

        Assert.Contains("name", invalid.Fields);
        Assert.Equal("售后服务", patched.TitleZh);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Anonymous().GetAsync($"/form/{form.Id}")).StatusCode);
    }
}
