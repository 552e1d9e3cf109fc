using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kefu.Core.Agents;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.E2E;

/// <summary>Admins manage chat inboxes through the API; websites embed the widget only where the inbox allows.</summary>
[Collection(ServerCollection.Name)]
public sealed class ChatInboxApiTests(KefuServer server)
{
    [Fact]
    public async Task ChatInboxes_AdminCrud_SecretRotatedProblemDetailsDeactivated()
    {
        using var admin = await server.AdminClientAsync();
        var name = ChatFixture.Unique("官网-");
        var created = await admin.PostAsJsonAsync("/api/v1/chat-inboxes", new { name, color = "#00897B", position = "left" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var inbox = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = inbox["id"]!.GetValue<Guid>();
        var secret = inbox["secret"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{64}$", secret);
        Assert.Equal("#00897b", inbox["color"]!.GetValue<string>());
        Assert.Equal("在线客服", inbox["titleZh"]!.GetValue<string>());
        Assert.Contains($"data-inbox=\"{id}\"", inbox["embedCode"]!.GetValue<string>());
        Assert.Contains((await admin.GetFromJsonAsync<JsonArray>("/api/v1/chat-inboxes"))!, i => i!["id"]!.GetValue<Guid>() == id);

        // Invalid input: 400 problem details naming the fields.
        var invalid = await admin.PatchAsJsonAsync($"/api/v1/chat-inboxes/{id}", new { color = "red", languages = new[] { "fr" }, allowedOrigins = new[] { "shop.example.com/path" } });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType!.MediaType);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("color") && errors.ContainsKey("languages") && errors.ContainsKey("allowedOrigins"), errors.ToJsonString());
        var unknownTeam = await admin.PatchAsJsonAsync($"/api/v1/chat-inboxes/{id}", new { teamId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.BadRequest, unknownTeam.StatusCode);

        // A valid change; the widget configuration follows it.
        var patched = await admin.PatchAsJsonAsync($"/api/v1/chat-inboxes/{id}", new { greetingZh = "欢迎光临！", preChatForm = true });
        patched.EnsureSuccessStatusCode();
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var config = (await anonymous.GetFromJsonAsync<JsonObject>($"/widget/{id}/config"))!;
        Assert.Equal("欢迎光临！", config["greeting"]!["zh-CN"]!.GetValue<string>());
        Assert.True(config["preChatForm"]!.GetValue<bool>());
        Assert.Equal("left", config["position"]!.GetValue<string>());
        Assert.False(config.ContainsKey("secret"));

        // Rotating the secret replaces it.
        var rotated = (await (await admin.PostAsync($"/api/v1/chat-inboxes/{id}/rotate-secret", null)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotEqual(secret, rotated["secret"]!.GetValue<string>());
        Assert.Equal(rotated["secret"]!.GetValue<string>(), (await admin.GetFromJsonAsync<JsonObject>($"/api/v1/chat-inboxes/{id}"))!["secret"]!.GetValue<string>());

        // Agents cannot see or change inboxes (the secret is for admins).
        var agentId = await server.CreateAgentAsync($"{ChatFixture.Unique()}@kefu.test", "客服", AgentRole.Agent, [], "pw-" + Guid.NewGuid().ToString("N"));
        using var agent = await server.ClientAsync(agentId);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync($"/api/v1/chat-inboxes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/chat-inboxes")).StatusCode);

        // Deactivated: the widget no longer loads.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/chat-inboxes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/widget/{id}/config")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/chat-inboxes/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Widget_EmbeddedOnAnotherWebsite_WorksOnAllowedOriginOnly()
    {
        // Another website on its own port: http://localhost:P is allowed, http://127.0.0.1:P (another origin) is not.
        await using var shop = await ShopSite.StartAsync(server.BaseUrl);
        var chat = await server.CreateChatSetupAsync(new { allowedOrigins = new[] { shop.AllowedOrigin } });
        shop.InboxId = chat.InboxId;
        await using var online = await server.KeepOnlineAsync(chat.AgentId);
        await using var context = await server.Browser.NewContextAsync(new() { Locale = "zh-CN" });

        // On the allowed website: CORS lets the widget in, and the chat works across origins.
        var page = await context.NewPageAsync();
        await page.GotoAsync(shop.AllowedOrigin + "/");
        await page.GetByTestId("kefu-launcher").ClickAsync();
        await page.GetByTestId("kefu-input").FillAsync("跨域嵌入的网站也能聊天");
        await page.GetByTestId("kefu-send").ClickAsync();
        await Expect(page.Locator("[data-testid=kefu-message][data-from=visitor]")).ToHaveAttributeAsync("data-state", "sent");
        await page.ScreenshotAsync(new() { Path = Path.Combine(KefuServer.Artifacts, "chat-cross-origin.png") });

        // Elsewhere: the browser refuses the configuration, so no widget appears.
        var evil = await context.NewPageAsync();
        var warned = evil.WaitForConsoleMessageAsync(new() { Predicate = m => m.Text.Contains("Kefu chat is not available", StringComparison.Ordinal) });
        await evil.GotoAsync(shop.OtherOrigin + "/");
        await warned;
        Assert.Equal(0, await evil.GetByTestId("kefu-launcher").CountAsync());

        // The same rules over plain HTTP, and the hub refuses to start a chat for a page of another origin.
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var foreign = new HttpRequestMessage(HttpMethod.Get, $"/widget/{chat.InboxId}/config");
        foreign.Headers.Add("Origin", shop.OtherOrigin);
        Assert.False((await http.SendAsync(foreign)).Headers.Contains("Access-Control-Allow-Origin"));
        var allowed = new HttpRequestMessage(HttpMethod.Get, $"/widget/{chat.InboxId}/config");
        allowed.Headers.Add("Origin", shop.AllowedOrigin);
        Assert.Equal(shop.AllowedOrigin, (await http.SendAsync(allowed)).Headers.GetValues("Access-Control-Allow-Origin").Single());
        await using var hub = new HubConnectionBuilder()
            .WithUrl(server.BaseUrl + "/hubs/visitor", o => o.Headers["Origin"] = shop.OtherOrigin).Build();
        await hub.StartAsync();
        var refused = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() =>
            hub.InvokeAsync<JsonObject>("Start", chat.InboxId.ToString(), null, null, null, null));
        Assert.Contains("not_allowed", refused.Message);
    }

    [Fact]
    public async Task Widget_OutsideTheInboxBusinessHours_IsOfflineEvenWithAnAgentOnline()
    {
        var chat = await server.CreateChatSetupAsync();
        await using var online = await server.KeepOnlineAsync(chat.AgentId);
        using var admin = await server.AdminClientAsync();
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        Assert.True((await anonymous.GetFromJsonAsync<JsonObject>($"/widget/{chat.InboxId}/config"))!["online"]!.GetValue<bool>());

        // Open around the clock, except a holiday that covers today wherever the server is.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var calendar = await admin.PostAsJsonAsync("/api/v1/calendars", new
        {
            name = ChatFixture.Unique("holiday-"),
            timeZone = "Asia/Shanghai",
            slots = Enum.GetNames<DayOfWeek>().Select(d => new { day = d.ToLowerInvariant(), start = "00:00", end = "24:00" }),
            holidays = new[] { new { name = "公司活动日", start = today.AddDays(-1).ToString("yyyy-MM-dd"), end = today.AddDays(1).ToString("yyyy-MM-dd") } },
        });
        Assert.Equal(HttpStatusCode.Created, calendar.StatusCode);
        var calendarId = (await calendar.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var unknown = await admin.PatchAsJsonAsync($"/api/v1/chat-inboxes/{chat.InboxId}", new { calendarId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/chat-inboxes/{chat.InboxId}", new { calendarId })).StatusCode);

        Assert.False((await anonymous.GetFromJsonAsync<JsonObject>($"/widget/{chat.InboxId}/config"))!["online"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Offline_TooManyMessagesFromOneAddress_429ProblemDetails()
    {
        var chat = await server.CreateChatSetupAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        // Every attempt counts, valid or not (10 an hour per address and inbox by default).
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync($"/widget/{chat.InboxId}/offline", new { email = "", message = "" })).StatusCode);
        }

        var limited = await http.PostAsJsonAsync($"/widget/{chat.InboxId}/offline", new { email = "a@example.com", message = "还在吗？" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType!.MediaType);

        // Another inbox is not affected.
        var other = await server.CreateChatSetupAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync($"/widget/{other.InboxId}/offline", new { email = "", message = "" })).StatusCode);
    }

    [Fact]
    public async Task WidgetScript_ServedWithCachingHeaders_DemoPageUsesDefaultInbox()
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var script = await http.GetAsync("/widget/kefu.js");
        script.EnsureSuccessStatusCode();
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Contains("max-age=300", script.Headers.CacheControl!.ToString());
        Assert.NotNull(script.Headers.ETag);
        var revalidate = new HttpRequestMessage(HttpMethod.Get, "/widget/kefu.js");
        revalidate.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(revalidate)).StatusCode);

        // The server created the "Website" inbox at first start; the demo page embeds it when no inbox is named.
        var inbox = (await http.GetFromJsonAsync<JsonObject>("/widget/default"))!["inboxId"]!.GetValue<Guid>();
        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/demo");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/demo/index.html$"));
        await Expect(page.Locator($"script[data-inbox='{inbox}']")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("kefu-launcher")).ToHaveAttributeAsync("aria-label", "打开在线客服");
    }
}
