using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kefu.Core.Channels.Chat;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.E2E;

/// <summary>
/// The embeddable widget on the plain HTML demo shop, in real Chromium against the real server: a visitor chats with
/// an agent who answers in the agent UI, and what a visitor sees survives reloads, tabs and dropped connections.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ChatWidgetTests(KefuServer server)
{
    [Fact]
    public async Task Chat_VisitorAndAgent_ReplyLiveHistoryRestoredInReloadAndSecondTab()
    {
        var chat = await server.CreateChatSetupAsync();
        await using var online = await server.KeepOnlineAsync(chat.AgentId);
        var token = ChatFixture.Unique();
        var question = $"你好，我想问一下订单 {token} 什么时候发货？";
        var reply = $"您好，您的订单 {token} 已经发货，预计明天送达。";

        await using var visitorContext = await NewContextAsync();
        var visitor = await visitorContext.NewPageAsync();
        await visitor.GotoAsync(chat.DemoUrl());
        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "悦购商城" })).ToBeVisibleAsync();

        // Open the widget: greeting and title in Chinese, the agent shows as online.
        await visitor.GetByTestId("kefu-launcher").ClickAsync();
        var panel = visitor.GetByTestId("kefu-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel.GetByRole(AriaRole.Heading)).ToHaveTextAsync("在线客服");
        await Expect(visitor.GetByTestId("kefu-greeting")).ToHaveTextAsync("您好！请问有什么可以帮您？");
        await Expect(visitor.GetByTestId("kefu-online")).ToHaveClassAsync(new Regex("on"));
        await Expect(visitor.GetByTestId("kefu-input")).ToBeFocusedAsync();

        await visitor.GetByTestId("kefu-input").FillAsync(question);
        await visitor.GetByTestId("kefu-send").ClickAsync();
        var mine = visitor.Locator("[data-testid=kefu-message][data-from=visitor]");
        await Expect(mine).ToHaveCountAsync(1);
        await Expect(mine.First).ToContainTextAsync(question);
        await Expect(mine.First).ToHaveAttributeAsync("data-state", "sent");
        // Waiting for the first answer: the visitor sees the queue.
        await Expect(visitor.GetByTestId("kefu-queue")).ToContainTextAsync("您是下一位");
        await visitor.ScreenshotAsync(new() { Path = Artifact("chat-visitor-sent.png") });

        // The message is a chat conversation for the inbox's team, stored once.
        using var api = await server.ClientAsync(chat.AgentId);
        var conversation = (await ChatFixture.EventuallyAsync(() => api.FindConversationsAsync($"channel=chat&q={token}"), c => c.Count == 1, "the chat conversation"))[0]!;
        Assert.Equal(chat.TeamId, conversation["teamId"]!.GetValue<Guid>());
        var number = conversation["number"]!.GetValue<long>();

        // The agent signs in (another browser context), opens the conversation and answers in the agent UI.
        await using var agentContext = await NewContextAsync();
        var agent = await agentContext.NewPageAsync();
        await agent.GotoAsync("/login");
        await agent.FillAsync("#email", chat.AgentEmail);
        await agent.FillAsync("#password", chat.AgentPassword);
        await agent.GetByTestId("login-submit").ClickAsync();
        await Expect(agent.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
        await agent.GotoAsync($"/conversations/{number}");
        await Expect(agent.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
        await Expect(agent.GetByTestId("messages")).ToContainTextAsync(question);
        // Opening the chat is reading it: the visitor's message shows as read before any answer.
        await Expect(mine.First).ToHaveAttributeAsync("data-state", "read");
        await agent.GetByTestId("composer").FillAsync(reply);
        await agent.GetByTestId("send").ClickAsync();
        await Expect(agent.Locator("[data-testid=message][data-kind=outbound]")).ToContainTextAsync(reply);
        await agent.ScreenshotAsync(new() { Path = Artifact("chat-agent-replied.png"), FullPage = true });

        // The visitor sees the reply live, the question is marked read (answering means reading), the queue is gone.
        var theirs = visitor.Locator("[data-testid=kefu-message][data-from=agent]");
        await Expect(theirs).ToContainTextAsync(reply);
        await Expect(mine.First).ToHaveAttributeAsync("data-state", "read");
        await Expect(visitor.GetByTestId("kefu-queue")).ToBeHiddenAsync();
        await visitor.ScreenshotAsync(new() { Path = Artifact("chat-visitor-reply.png") });

        // After a reload the history is back (and the panel stays open).
        await visitor.ReloadAsync();
        await Expect(visitor.GetByTestId("kefu-panel")).ToBeVisibleAsync();
        await Expect(visitor.Locator("[data-testid=kefu-message][data-from=visitor]")).ToContainTextAsync(question);
        await Expect(visitor.Locator("[data-testid=kefu-message][data-from=agent]")).ToContainTextAsync(reply);

        // A second tab of the same site shows the same conversation and gets new messages live.
        var second = await visitorContext.NewPageAsync();
        await second.GotoAsync(chat.DemoUrl());
        await Expect(second.GetByTestId("kefu-panel")).ToBeVisibleAsync();
        await Expect(second.Locator("[data-testid=kefu-message][data-from=agent]")).ToContainTextAsync(reply);
        await second.GetByTestId("kefu-input").FillAsync("第二个标签页：好的，谢谢！");
        await second.GetByTestId("kefu-send").ClickAsync();
        await Expect(visitor.Locator("[data-testid=kefu-message][data-from=visitor]").Last).ToContainTextAsync("第二个标签页：好的，谢谢！");
        await second.ScreenshotAsync(new() { Path = Artifact("chat-second-tab.png") });

        // Still one conversation with exactly the three messages, in order.
        var detail = await api.GetFromJsonAsync<JsonObject>($"/api/v1/conversations/{number}");
        Assert.Equal([question, reply, "第二个标签页：好的，谢谢！"], detail!["messages"]!.AsArray().Select(m => m!["text"]!.GetValue<string>()).ToArray());
    }

    [Fact]
    public async Task Chat_ConnectionDroppedWhileTyping_EveryMessageStoredOnceInOrder()
    {
        var chat = await server.CreateChatSetupAsync();
        await using var online = await server.KeepOnlineAsync(chat.AgentId);
        var token = ChatFixture.Unique();
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        var sockets = new List<IWebSocketRoute>();
        var dropNextAck = false;
        await page.RouteWebSocketAsync(new Regex("/hubs/visitor"), ws =>
        {
            lock (sockets)
            {
                sockets.Add(ws);
            }

            var hub = ws.ConnectToServer();
            hub.OnMessage(frame =>
            {
                // Lose the acknowledgement of a stored message, then the connection: the widget must resend, the server must not duplicate.
                if (dropNextAck && frame.Text?.Contains("\"type\":3", StringComparison.Ordinal) == true && frame.Text.Contains("\"from\":\"visitor\"", StringComparison.Ordinal))
                {
                    dropNextAck = false;
                    _ = ws.CloseAsync();
                    return;
                }

                ws.Send(frame.Text!);
            });
        });

        await page.GotoAsync(chat.DemoUrl());
        await page.GetByTestId("kefu-launcher").ClickAsync();
        await SendAsync(page, $"第一条 {token}");

        // Offline: the socket dies, three messages wait in the outbox.
        await context.SetOfflineAsync(true);
        foreach (var ws in Snapshot(sockets))
        {
            await ws.CloseAsync();
        }

        await Expect(page.GetByTestId("kefu-connection")).ToContainTextAsync("连接已断开");
        for (var i = 2; i <= 4; i++)
        {
            await page.GetByTestId("kefu-input").FillAsync($"第{i}条 {token}");
            await page.GetByTestId("kefu-send").ClickAsync();
        }

        await Expect(page.Locator("[data-testid=kefu-message][data-state=sending]")).ToHaveCountAsync(3);
        await page.ScreenshotAsync(new() { Path = Artifact("chat-offline-outbox.png") });

        // Back online: the outbox drains by itself, in order.
        await context.SetOfflineAsync(false);
        await Expect(page.Locator("[data-testid=kefu-message][data-from=visitor][data-state=sent]")).ToHaveCountAsync(4, new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("kefu-connection")).ToBeHiddenAsync();

        // A stored message whose acknowledgement is lost with the connection.
        dropNextAck = true;
        await page.GetByTestId("kefu-input").FillAsync($"第5条 {token}");
        await page.GetByTestId("kefu-send").ClickAsync();
        await Expect(page.Locator("[data-testid=kefu-message][data-from=visitor][data-state=sent]")).ToHaveCountAsync(5, new() { Timeout = 30_000 });
        Assert.False(dropNextAck, "the acknowledgement was dropped");

        // A reload brings nothing back twice, and neither does the server.
        await page.ReloadAsync();
        await Expect(page.Locator("[data-testid=kefu-message][data-from=visitor]")).ToHaveCountAsync(5);
        using var api = await server.ClientAsync(chat.AgentId);
        var conversation = (await api.FindConversationsAsync($"channel=chat&q={token}")).Single()!;
        var detail = await api.GetFromJsonAsync<JsonObject>($"/api/v1/conversations/{conversation["id"]}");
        var texts = detail!["messages"]!.AsArray().Select(m => m!["text"]!.GetValue<string>()).ToArray();
        Assert.Equal(Enumerable.Range(1, 5).Select(i => i == 1 ? $"第一条 {token}" : $"第{i}条 {token}").ToArray(), texts);
    }

    [Fact]
    public async Task Offline_NoAgentOnline_FormCreatesConversationTaggedOffline()
    {
        var chat = await server.CreateChatSetupAsync();
        var token = ChatFixture.Unique();
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(chat.DemoUrl());
        await page.GetByTestId("kefu-launcher").ClickAsync();

        var form = page.GetByTestId("kefu-offline-form");
        await Expect(form).ToBeVisibleAsync();
        await Expect(form).ToContainTextAsync("客服暂时不在线");
        await Expect(page.GetByTestId("kefu-composer")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("kefu-offline-name")).ToBeFocusedAsync();

        // A wrong e-mail is caught; then the message goes through.
        await page.GetByTestId("kefu-offline-name").FillAsync("李明");
        await page.GetByTestId("kefu-offline-email").FillAsync("不是邮箱");
        await page.GetByTestId("kefu-offline-message").FillAsync($"请问周末可以退货吗？{token}");
        await page.GetByTestId("kefu-offline-submit").ClickAsync();
        await Expect(page.GetByTestId("kefu-offline-error")).ToHaveTextAsync("请输入有效的邮箱地址");
        await page.GetByTestId("kefu-offline-email").FillAsync($"li.ming.{token}@example.com");
        await page.GetByTestId("kefu-offline-submit").ClickAsync();
        await Expect(page.GetByTestId("kefu-offline-thanks")).ToHaveTextAsync("已收到您的留言，我们会尽快通过邮件回复您。");
        await page.ScreenshotAsync(new() { Path = Artifact("chat-offline-form.png") });

        using var api = await server.ClientAsync(chat.AgentId);
        var conversation = (await api.FindConversationsAsync($"channel=chat&tag=offline&q={token}")).Single()!;
        Assert.Equal(chat.TeamId, conversation["teamId"]!.GetValue<Guid>());
        Assert.Equal("李明", conversation["customerName"]!.GetValue<string>());
        var customer = await api.GetFromJsonAsync<JsonObject>($"/api/v1/customers/{conversation["customerId"]}");
        Assert.Contains(customer!["identities"]!.AsArray(), i => i!["kind"]!.GetValue<string>() == "email" && i["value"]!.GetValue<string>() == $"li.ming.{token}@example.com");

        // Bad input is a 400 with field errors; the honeypot is accepted and dropped.
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        var bad = await anonymous.PostAsJsonAsync($"/widget/{chat.InboxId}/offline", new { name = "x", email = "nope", message = "" });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(problem!["errors"]!["email"]);
        Assert.NotNull(problem["errors"]!["message"]);
        var bot = await anonymous.PostAsJsonAsync($"/widget/{chat.InboxId}/offline", new { email = "bot@example.com", message = $"spam {token}-bot", website = "http://spam.example" });
        Assert.Equal(System.Net.HttpStatusCode.Accepted, bot.StatusCode);
        Assert.Empty(await api.FindConversationsAsync($"q={token}-bot"));
    }

    [Fact]
    public async Task Typing_AndReadState_ShownOnBothSides()
    {
        var chat = await server.CreateChatSetupAsync();
        await using var online = await server.KeepOnlineAsync(chat.AgentId);
        var token = ChatFixture.Unique();
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(chat.DemoUrl());
        await page.GetByTestId("kefu-launcher").ClickAsync();
        await SendAsync(page, $"在吗？{token}");

        using var api = await server.ClientAsync(chat.AgentId);
        var conversationId = (await api.FindConversationsAsync($"channel=chat&q={token}")).Single()!["id"]!.GetValue<Guid>();
        var secret = await server.CreateApiTokenAsync(chat.AgentId);
        await using var agent = await AgentHubClient.ConnectAsync(server, secret);
        await agent.JoinAsync(conversationId);

        // The visitor types: the agent sees it, and sees it stop after the message is sent.
        await page.GetByTestId("kefu-input").PressSequentiallyAsync("我想");
        await agent.WaitForAsync("typing", e => e["conversationId"]!.GetValue<Guid>() == conversationId && e["typing"]!.GetValue<bool>() && e["agentId"] is null);

        // The agent types: the visitor sees the indicator, until the agent stops.
        await agent.TypingAsync(conversationId, true);
        await Expect(page.GetByTestId("kefu-typing")).ToHaveTextAsync("客服正在输入…");
        await page.ScreenshotAsync(new() { Path = Artifact("chat-typing.png") });
        await agent.TypingAsync(conversationId, false);
        await Expect(page.GetByTestId("kefu-typing")).ToBeHiddenAsync();

        // Sent (✓) until an agent reads (here: an agent program says so); then read (✓✓).
        var mine = page.Locator("[data-testid=kefu-message][data-from=visitor]").First;
        await Expect(mine).ToHaveAttributeAsync("data-state", "sent");
        await Expect(mine.Locator(".tick")).ToHaveTextAsync("✓");
        await agent.ReadAsync(conversationId, DateTimeOffset.UtcNow);
        await Expect(mine).ToHaveAttributeAsync("data-state", "read");
        await Expect(mine.Locator(".tick")).ToHaveTextAsync("✓✓ 已读");
        await agent.SendAsync(conversationId, $"在的，请讲。{token}");

        // The visitor (panel open) reads the agent's message: the agent is told.
        await agent.WaitForAsync("read", e => e["conversationId"]!.GetValue<Guid>() == conversationId && e["byVisitor"]!.GetValue<bool>());
        await page.ScreenshotAsync(new() { Path = Artifact("chat-read.png") });
    }

    [Fact]
    public async Task Queue_SecondVisitorWaiting_SeesPositionMoveWhenFirstIsAnswered()
    {
        var chat = await server.CreateChatSetupAsync();
        await using var online = await server.KeepOnlineAsync(chat.AgentId);
        var token = ChatFixture.Unique();
        await using var first = await NewContextAsync();
        var one = await first.NewPageAsync();
        await one.GotoAsync(chat.DemoUrl());
        await one.GetByTestId("kefu-launcher").ClickAsync();
        await SendAsync(one, $"第一位客户 {token}");

        await using var second = await NewContextAsync();
        var two = await second.NewPageAsync();
        await two.GotoAsync(chat.DemoUrl());
        await two.GetByTestId("kefu-launcher").ClickAsync();
        await SendAsync(two, $"第二位客户 {token}");
        await Expect(two.GetByTestId("kefu-queue")).ToContainTextAsync("您前面还有 1 位客户在等待");
        await two.ScreenshotAsync(new() { Path = Artifact("chat-queue.png") });

        using var api = await server.ClientAsync(chat.AgentId);
        var firstId = (await api.FindConversationsAsync($"channel=chat&q=第一位客户 {token}")).Single()!["id"];
        (await api.PostAsJsonAsync($"/api/v1/conversations/{firstId}/messages", new { kind = "outbound", text = "您好，马上为您处理。" })).EnsureSuccessStatusCode();

        await Expect(one.GetByTestId("kefu-queue")).ToBeHiddenAsync();
        // Next in line, with an estimate now that a first response time is known.
        await Expect(two.GetByTestId("kefu-queue")).ToContainTextAsync("您是下一位");
        await Expect(two.GetByTestId("kefu-queue")).ToContainTextAsync("预计等待约");
    }

    [Fact]
    public async Task Upload_ImageShownAndLimitsExplained()
    {
        var chat = await server.CreateChatSetupAsync(new { maxUploadBytes = 100_000 });
        await using var online = await server.KeepOnlineAsync(chat.AgentId);
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(chat.DemoUrl());
        await page.GetByTestId("kefu-launcher").ClickAsync();
        await SendAsync(page, "我收到的商品有破损，发张照片给您。");

        await page.GetByTestId("kefu-file").SetInputFilesAsync(new FilePayload { Name = "破损照片.png", MimeType = "image/png", Buffer = Png() });
        var image = page.GetByTestId("kefu-image");
        await Expect(image).ToBeVisibleAsync();
        await Expect(image).ToHaveAttributeAsync("alt", "破损照片.png");
        await page.WaitForFunctionAsync("img => img.complete && img.naturalWidth === 2", await image.ElementHandleAsync());
        await Expect(page.Locator("[data-testid=kefu-message][data-from=visitor]").Last).ToHaveAttributeAsync("data-state", "sent");

        // Too large and the wrong type are explained in the widget before anything is sent.
        await page.GetByTestId("kefu-file").SetInputFilesAsync(new FilePayload { Name = "大图.png", MimeType = "image/png", Buffer = new byte[150_000] });
        await Expect(page.GetByTestId("kefu-error")).ToHaveTextAsync("文件太大（最大 98 KB）");
        await page.GetByTestId("kefu-file").SetInputFilesAsync(new FilePayload { Name = "setup.exe", MimeType = "application/x-msdownload", Buffer = new byte[100] });
        await Expect(page.GetByTestId("kefu-error")).ToHaveTextAsync("不支持此文件类型");
        await page.ScreenshotAsync(new() { Path = Artifact("chat-upload.png") });

        // The server enforces the same rules (a page could skip the widget's checks) and sniffs the content.
        var visitorToken = await page.EvaluateAsync<string>($"JSON.parse(localStorage.getItem('kefu:{chat.InboxId}')).token");
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        Assert.Equal(413, (int)(await UploadAsync(anonymous, chat.InboxId, visitorToken, "big.png", "image/png", [.. Png(), .. new byte[120_000]])).StatusCode);
        var fake = await UploadAsync(anonymous, chat.InboxId, visitorToken, "fake.png", "image/png", "<html><script>alert(1)</script>"u8.ToArray());
        Assert.Equal(400, (int)fake.StatusCode);
        Assert.Contains("not a valid image/png", await fake.Content.ReadAsStringAsync());
        Assert.Equal(400, (int)(await UploadAsync(anonymous, chat.InboxId, visitorToken, "x.exe", "application/x-msdownload", [0x4D, 0x5A])).StatusCode);
        Assert.Equal(401, (int)(await UploadAsync(anonymous, chat.InboxId, visitorToken + "x", "a.png", "image/png", Png())).StatusCode);

        // The file is served with its type, a download name and nosniff: to the visitor (file token) and to agents, to nobody else.
        var src = await image.GetAttributeAsync("src");
        var served = await anonymous.GetAsync(src);
        Assert.Equal(200, (int)served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("破损照片.png", served.Content.Headers.ContentDisposition!.FileNameStar);
        Assert.Equal(Png(), await served.Content.ReadAsByteArrayAsync());
        var path = new Uri(src!).AbsolutePath;
        Assert.Equal(401, (int)(await anonymous.GetAsync(path)).StatusCode);
        using var api = await server.ClientAsync(chat.AgentId);
        Assert.Equal(200, (int)(await api.GetAsync(path)).StatusCode);

        // An agent attaches a PDF to a reply: the visitor gets a download link that works with the file token.
        var upload = new MultipartFormDataContent();
        var pdf = new ByteArrayContent("%PDF-1.4\n% 退货说明\n"u8.ToArray());
        pdf.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
        upload.Add(pdf, "file", "退货说明.pdf");
        var uploaded = await api.PostAsync("/api/v1/files", upload);
        Assert.Equal(200, (int)uploaded.StatusCode);
        var attachment = await uploaded.Content.ReadFromJsonAsync<JsonObject>();
        var conversationId = (await api.FindConversationsAsync("channel=chat&q=我收到的商品有破损")).First(c => c!["teamId"]!.GetValue<Guid>() == chat.TeamId)!["id"];
        (await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { kind = "outbound", text = "请查看退货说明。", attachments = new[] { attachment } })).EnsureSuccessStatusCode();
        var link = page.GetByTestId("kefu-file-link");
        await Expect(link).ToContainTextAsync("退货说明.pdf");
        var pdfServed = await anonymous.GetAsync(await link.GetAttributeAsync("href"));
        Assert.Equal("application/pdf", pdfServed.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", pdfServed.Content.Headers.ContentDisposition!.DispositionType);

        // Another visitor's file token does not open it.
        await using var other = await NewContextAsync();
        var stranger = await other.NewPageAsync();
        await stranger.GotoAsync(chat.DemoUrl());
        await stranger.GetByTestId("kefu-launcher").ClickAsync();
        await SendAsync(stranger, "另一个访客");
        var strangerFiles = await stranger.EvaluateAsync<string>($"JSON.parse(localStorage.getItem('kefu:{chat.InboxId}')).fileToken");
        Assert.Equal(404, (int)(await anonymous.GetAsync($"{path}?vt={Uri.EscapeDataString(strangerFiles)}")).StatusCode);
    }

    [Fact]
    public async Task Identity_ValidSignatureLinksKnownCustomer_InvalidStaysAnonymous()
    {
        var chat = await server.CreateChatSetupAsync();
        await using var online = await server.KeepOnlineAsync(chat.AgentId);
        var token = ChatFixture.Unique();
        var externalId = "shop-user-" + token;
        using var api = await server.ClientAsync(chat.AgentId);
        var created = await api.PostAsJsonAsync("/api/v1/customers", new
        {
            name = "张伟",
            identities = new[] { new { kind = "external", source = $"web:{chat.InboxId:N}", value = externalId } },
        });
        created.EnsureSuccessStatusCode();
        var known = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();

        // A forged signature: the chat stays anonymous.
        await using var forgedContext = await NewContextAsync();
        var forged = await forgedContext.NewPageAsync();
        await forged.GotoAsync(chat.DemoUrl(query: $"&externalId={externalId}&name=张伟&signature={new string('a', 64)}"));
        await forged.GetByTestId("kefu-launcher").ClickAsync();
        await SendAsync(forged, $"伪造身份 {token}");
        var anonymousChat = (await api.FindConversationsAsync($"channel=chat&q=伪造身份 {token}")).Single()!;
        Assert.NotEqual(known, anonymousChat["customerId"]!.GetValue<Guid>());

        // A valid signature: the chat belongs to the known customer, even though the visitor chatted anonymously first.
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(chat.DemoUrl());
        await page.GetByTestId("kefu-launcher").ClickAsync();
        await SendAsync(page, $"登录前的问题 {token}");
        var signature = VisitorIdentity.Sign(chat.Secret, externalId);
        await page.EvaluateAsync("([id, sig]) => window.KefuChat.identify({ externalId: id, name: '张伟', email: null, signature: sig })", new[] { externalId, signature });
        await ChatFixture.EventuallyAsync(
            () => api.FindConversationsAsync($"channel=chat&q=登录前的问题 {token}"),
            c => c.Count == 1 && c[0]!["customerId"]!.GetValue<Guid>() == known, "the anonymous chat to move to the known customer");
        await SendAsync(page, $"登录后的问题 {token}");
        var conversations = await api.FindConversationsAsync($"channel=chat&customer={known}");
        Assert.Single(conversations);
        Assert.Equal("张伟", conversations[0]!["customerName"]!.GetValue<string>());
        await Expect(page.Locator("[data-testid=kefu-message][data-from=visitor]")).ToHaveCountAsync(2);

        // Signed in from the start on another browser: the same customer, the same conversation.
        await using var laterContext = await NewContextAsync();
        var later = await laterContext.NewPageAsync();
        await later.GotoAsync(chat.DemoUrl(query: $"&externalId={externalId}&name=张伟&signature={signature}"));
        await later.GetByTestId("kefu-launcher").ClickAsync();
        await SendAsync(later, $"换了台电脑 {token}");
        var again = (await api.FindConversationsAsync($"channel=chat&q=换了台电脑 {token}")).Single()!;
        Assert.Equal(known, again["customerId"]!.GetValue<Guid>());
        await later.ScreenshotAsync(new() { Path = Artifact("chat-identified.png") });
    }

    [Fact]
    public async Task English_DemoPageAndPreChatForm_NameTheVisitor()
    {
        var chat = await server.CreateChatSetupAsync(new { preChatForm = true, preChatRequireEmail = true, languages = new[] { "en", "zh-CN" } });
        await using var online = await server.KeepOnlineAsync(chat.AgentId);
        var token = ChatFixture.Unique();
        await using var context = await NewContextAsync("en-US");
        var page = await context.NewPageAsync();
        await page.GotoAsync(chat.DemoUrl("en.html"));
        await page.GetByTestId("kefu-launcher").ClickAsync();
        await Expect(page.GetByTestId("kefu-panel").GetByRole(AriaRole.Heading)).ToHaveTextAsync("Chat with us");
        var form = page.GetByTestId("kefu-prechat-form");
        await Expect(form).ToBeVisibleAsync();
        await page.GetByTestId("kefu-prechat-name").FillAsync("Alice Chen");
        await page.GetByTestId("kefu-prechat-submit").ClickAsync();
        await Expect(page.GetByTestId("kefu-prechat-error")).ToHaveTextAsync("E-mail: Required");
        await page.GetByTestId("kefu-prechat-email").FillAsync($"alice.{token}@example.com");
        await page.GetByTestId("kefu-prechat-submit").ClickAsync();
        await Expect(page.GetByTestId("kefu-input")).ToBeVisibleAsync();
        await SendAsync(page, $"Where is my order? {token}");

        // Navigation on the page is recorded on the chat session.
        await page.GetByTestId("nav-orders").ClickAsync();
        using var api = await server.ClientAsync(chat.AgentId);
        var conversation = (await api.FindConversationsAsync($"channel=chat&q={token}")).Single()!;
        Assert.Equal("Alice Chen", conversation["customerName"]!.GetValue<string>());
        await ChatFixture.EventuallyAsync(() => server.SessionPagesAsync(chat.InboxId, conversation["id"]!.GetValue<Guid>()),
            pages => pages.Any(p => p.EndsWith("#orders", StringComparison.Ordinal)), "the page visit to be recorded");
        await page.ScreenshotAsync(new() { Path = Artifact("chat-english.png") });
    }

    private Task<IBrowserContext> NewContextAsync(string locale = "zh-CN") =>
        server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = locale });

    private static async Task SendAsync(IPage page, string text)
    {
        var before = await page.Locator("[data-testid=kefu-message][data-from=visitor]").CountAsync();
        await page.GetByTestId("kefu-input").FillAsync(text);
        await page.GetByTestId("kefu-send").ClickAsync();
        var sent = page.Locator("[data-testid=kefu-message][data-from=visitor]").Nth(before);
        await Expect(sent).ToContainTextAsync(text);
        await Expect(sent).ToHaveAttributeAsync("data-state", new Regex("^(sent|read)$"));
    }

    private static List<IWebSocketRoute> Snapshot(List<IWebSocketRoute> sockets)
    {
        lock (sockets)
        {
            return [.. sockets];
        }
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, Guid inbox, string token, string name, string type, byte[] bytes)
    {
        var form = new MultipartFormDataContent { { new StringContent(token), "token" } };
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
        form.Add(file, "file", name);
        return client.PostAsync($"/widget/{inbox}/upload", form);
    }

    /// <summary>A valid 2×2 PNG.</summary>
    private static byte[] Png() => Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4IScHRAwQCgAfJgQRoo8irwAAAABJRU5ErkJggg==");

    private static string Artifact(string name) => Path.Combine(KefuServer.Artifacts, name);
}
