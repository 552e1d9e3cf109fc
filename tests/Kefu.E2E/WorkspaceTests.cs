using System.Text.Json;
using System.Text.RegularExpressions;
using Kefu.Core.Agents;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Kefu.Data;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.E2E;

/// <summary>
/// The live agent workspace with two agents in two browsers (Chinese UI): lists and conversations update without
/// reloading, agents see each other viewing and typing, canned responses, @mentions to the bell, presence, access.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class WorkspaceTests(KefuServer server)
{
    private const string Password = "workspace-pass-42x";

    [Fact]
    public async Task TwoAgents_NewConversationViewingMessageTyping_AppearLiveForTheOther()
    {
        var token = Token();
        var a = await CreateAgentAsync("王伟", AgentRole.Supervisor);
        var b = await CreateAgentAsync("李娜", AgentRole.Supervisor);
        await using var contextB = await SignInAsync(b);
        var pageB = contextB.Pages[0];
        await using var contextA = await SignInAsync(a);
        var pageA = contextA.Pages[0];

        // A creates a chat conversation through the API; B's list shows it without a reload.
        var subject = $"订单一直没有发货 {token}";
        var created = await PostJsonAsync(pageA, "/api/v1/conversations", new
        {
            channel = "chat",
            subject,
            customer = new { kind = "email", value = $"{token}@example.cn", name = "陈小姐" },
            message = new { kind = "inbound", text = "你好，我的订单三天了还没发货。" },
        });
        var number = created.GetProperty("conversation").GetProperty("number").GetInt64();
        var id = created.GetProperty("conversation").GetProperty("id").GetString();
        var rowB = pageB.Locator($"[data-testid=conversation-row][data-number='{number}']");
        await Expect(rowB).ToContainTextAsync(subject);

        // A opens it: B's list row shows that A is viewing.
        await pageA.GotoAsync($"/conversations/{number}");
        await WaitInteractiveAsync(pageA);
        await Expect(rowB.GetByTestId("row-viewers")).ToContainTextAsync("王伟");
        await pageB.ScreenshotAsync(new() { Path = Artifact("workspace-list-live.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });

        // B opens it too: each sees the other (the Hello handshake answers whoever came first).
        await rowB.Locator("a").First.ClickAsync();
        await WaitInteractiveAsync(pageB);
        await Expect(pageB.GetByTestId("viewer").Filter(new() { HasText = "王伟" })).ToBeVisibleAsync();
        await Expect(pageA.GetByTestId("viewer").Filter(new() { HasText = "李娜" })).ToContainTextAsync("李娜 正在查看");

        // The visitor types in the widget (a TypingChanged without agent): "Customer is typing…".
        var conversationId = Guid.Parse(id!);
        var realtime = server.Services.GetRequiredService<Kefu.Server.Realtime.RealtimePublisher>();
        await realtime.TypingAsync(new Kefu.Server.Realtime.TypingChanged(conversationId, null, "陈小姐", true));
        await Expect(pageA.GetByTestId("typing-indicator")).ToContainTextAsync("客户正在输入…");

        // A customer message posted through the API appears on A's open page (and ends the customer's typing).
        var text = $"请尽快帮我处理，谢谢！{token}";
        await PostJsonAsync(pageB, $"/api/v1/conversations/{id}/messages", new { kind = "inbound", text });
        await Expect(pageA.Locator("[data-testid=message][data-kind=inbound]").Last).ToContainTextAsync(text);
        await Expect(pageA.Locator("[data-testid=message][data-kind=inbound]").Last).ToContainTextAsync("陈小姐");
        await Expect(pageA.GetByTestId("typing-indicator")).Not.ToContainTextAsync("客户正在输入");

        // B types a reply: A sees it; B's sent reply then appears on A's page.
        await pageB.GetByTestId("composer").PressSequentiallyAsync("您好，马上为您查询");
        await Expect(pageA.GetByTestId("typing-indicator")).ToContainTextAsync("李娜 正在输入…");
        await pageA.ScreenshotAsync(new() { Path = Artifact("workspace-conversation-live.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
        await pageB.GetByTestId("composer").PressAsync("Control+Enter");
        await Expect(pageA.Locator("[data-testid=message][data-kind=outbound]")).ToContainTextAsync("您好，马上为您查询");
        await Expect(pageA.Locator("[data-testid=message][data-kind=outbound]")).ToContainTextAsync("李娜");
        await Expect(pageA.GetByTestId("typing-indicator")).Not.ToContainTextAsync("李娜");
        await Expect(pageA.GetByTestId("conversation-title").Locator("..").GetByTestId("status-chip")).ToHaveTextAsync("处理中");

        // B leaves: A no longer sees B viewing.
        await pageB.GotoAsync("/");
        await Expect(pageA.GetByTestId("viewer").Filter(new() { HasText = "李娜" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task CannedResponse_CreatedInUiThenSlashInComposer_InsertsRenderedText()
    {
        var token = Token();
        var agent = await CreateAgentAsync("孙丽", AgentRole.Agent);
        var number = await CreateConversationAsync($"退货流程咨询 {token}", "周先生", $"{token}@example.cn", "请问怎么退货？", teamId: null);
        await using var context = await SignInAsync(agent);
        var page = context.Pages[0];

        // Create a personal response in the UI; Core's validation messages show under the fields first.
        await page.GetByTestId("nav-canned").ClickAsync();
        await WaitInteractiveAsync(page);
        await page.GetByTestId("canned-new").ClickAsync();
        await page.GetByTestId("canned-shortcut").FillAsync("退货 说明");
        await page.GetByTestId("canned-save").ClickAsync();
        await Expect(page.GetByTestId("error-shortcut")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("error-title")).ToHaveTextAsync("必填。");
        var shortcut = "退货" + token[..4];
        await page.GetByTestId("canned-shortcut").FillAsync(shortcut);
        await page.GetByTestId("canned-title").FillAsync("退货说明");
        await page.GetByTestId("canned-body").FillAsync("{{customer.name}}您好，我是客服{{agent.name}}。关于会话 {{conversation.number}}（{{conversation.subject}}），请在订单页点击“申请退货”。");
        await page.GetByTestId("canned-save").ClickAsync();
        await Expect(page.Locator($"[data-testid=canned-row][data-shortcut='{shortcut}']")).ToContainTextAsync("仅自己");
        await page.ScreenshotAsync(new() { Path = Artifact("workspace-canned-responses.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });

        // In the composer, "/" plus part of the shortcut filters; Enter inserts the rendered text.
        await page.GotoAsync($"/conversations/{number}");
        await WaitInteractiveAsync(page);
        var composer = page.GetByTestId("composer");
        await composer.ClickAsync();
        await composer.PressSequentiallyAsync("/" + shortcut[..3]);
        var item = page.GetByTestId("canned-popup").Locator($"[data-shortcut='{shortcut}']");
        await Expect(item).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Artifact("workspace-canned-popup.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
        await composer.PressSequentiallyAsync(shortcut[3..]);
        await Expect(page.GetByTestId("canned-item")).ToHaveCountAsync(1);
        await composer.PressAsync("Enter");
        await Expect(composer).ToHaveValueAsync($"周先生您好，我是客服孙丽。关于会话 #{number}（退货流程咨询 {token}），请在订单页点击“申请退货”。");
        await Expect(page.GetByTestId("canned-popup")).ToHaveCountAsync(0);
        await page.GetByTestId("send").ClickAsync();
        await Expect(page.Locator("[data-testid=message][data-kind=outbound]")).ToContainTextAsync("周先生您好，我是客服孙丽");
    }

    [Fact]
    public async Task NoteWithMention_NotifiesMentionedAgentLiveInBell_ClickOpensAndMarksRead()
    {
        var token = Token();
        var a = await CreateAgentAsync("陈静", AgentRole.Agent);
        var b = await CreateAgentAsync("刘洋", AgentRole.Agent);
        var number = await CreateConversationAsync($"发票抬头开错了 {token}", "吴女士", $"{token}@example.cn", "发票抬头写错了，能重开吗？", teamId: null);
        await using var contextB = await SignInAsync(b);
        var pageB = contextB.Pages[0];
        await Expect(pageB.GetByTestId("notification-bell")).ToHaveAttributeAsync("data-unread", "0");
        await using var contextA = await SignInAsync(a);
        var pageA = contextA.Pages[0];

        // A writes a note and picks B from the @ list with the keyboard, then saves with Ctrl+Enter.
        await pageA.GotoAsync($"/conversations/{number}");
        await WaitInteractiveAsync(pageA);
        await pageA.Keyboard.PressAsync("n");
        var composer = pageA.GetByTestId("composer");
        await Expect(composer).ToBeFocusedAsync();
        await composer.PressSequentiallyAsync("@刘");
        await Expect(pageA.GetByTestId("mention-popup").GetByTestId("mention-item").First).ToHaveAttributeAsync("data-agent", "刘洋");
        await composer.PressAsync("Enter");
        await Expect(composer).ToHaveValueAsync("@刘洋 ");
        await composer.PressSequentiallyAsync("请帮忙确认能否重开发票");
        await composer.PressAsync("Control+Enter");
        await Expect(pageA.Locator("[data-testid=message][data-kind=note]")).ToContainTextAsync("@刘洋 请帮忙确认能否重开发票");

        // B's bell counts it without a reload; the item opens the conversation and is then read.
        await Expect(pageB.GetByTestId("notification-bell")).ToHaveAttributeAsync("data-unread", "1");
        await pageB.GetByTestId("notification-bell").ClickAsync();
        var notification = pageB.Locator($"[data-testid=notification-item][data-kind=mention][data-number='{number}']");
        await Expect(notification).ToContainTextAsync($"陈静 在 #{number} 中提到了你");
        await pageB.ScreenshotAsync(new() { Path = Artifact("workspace-notifications.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
        await notification.ClickAsync();
        await Expect(pageB).ToHaveURLAsync(new Regex($"/conversations/{number}$"));
        await Expect(pageB.GetByTestId("conversation-title")).ToContainTextAsync("发票抬头开错了");
        await Expect(pageB.GetByTestId("notification-bell")).ToHaveAttributeAsync("data-unread", "0");

        // Assigning it to A from B's page notifies A (and the list of A's bell says who did it).
        await pageB.GetByTestId("set-assignee").SelectOptionAsync(new SelectOptionValue { Label = "陈静" });
        await Expect(pageA.GetByTestId("set-assignee").Locator("option:checked")).ToHaveTextAsync("陈静");
        await Expect(pageA.GetByTestId("notification-bell")).ToHaveAttributeAsync("data-unread", "1");
        await pageA.GetByTestId("notification-bell").ClickAsync();
        await Expect(pageA.Locator($"[data-testid=notification-item][data-kind=assigned][data-number='{number}']")).ToContainTextAsync($"刘洋 将 #{number} 分配给你");
        await pageA.Keyboard.PressAsync("Escape");
        await Expect(pageA.GetByTestId("notification-panel")).ToHaveCountAsync(0);

        // A customer message in A's conversation while A looks at another one: a desktop alert (and chime).
        var other = await CreateConversationAsync($"另一个会话 {token}", "郑先生", $"{token}-2@example.cn", "在吗", teamId: null);
        await pageA.GotoAsync($"/conversations/{other}");
        await WaitInteractiveAsync(pageA);
        await AddCustomerMessageAsync(number, "发票重开后寄到哪里？");
        await Expect(pageA.GetByTestId("notification-bell")).ToHaveAttributeAsync("data-unread", "2");
        await pageA.WaitForFunctionAsync("() => (window.kefuAlertLog || []).some(a => a.body.includes('发票重开后寄到哪里'))");
    }

    [Fact]
    public async Task Presence_ChangedByOneAgent_ShowsForTheOther()
    {
        var a = await CreateAgentAsync("杨帆", AgentRole.Agent);
        var b = await CreateAgentAsync("周杰", AgentRole.Agent);
        await using var contextB = await SignInAsync(b);
        var pageB = contextB.Pages[0];
        await using var contextA = await SignInAsync(a);
        var pageA = contextA.Pages[0];

        var aInB = pageB.Locator("[data-testid=team-agent][data-agent='杨帆']");
        await Expect(aInB).ToBeVisibleAsync();
        await pageA.GetByTestId("presence-menu").ClickAsync();
        await pageA.GetByTestId("presence-online").ClickAsync();
        await Expect(pageA.GetByTestId("presence-menu")).ToHaveAttributeAsync("data-presence", "online");
        await Expect(aInB).ToHaveAttributeAsync("data-presence", "online");
        await Expect(aInB).ToContainTextAsync("0/5 个会话");

        await pageA.GetByTestId("presence-menu").ClickAsync();
        await pageA.GetByTestId("presence-on_break").ClickAsync();
        await Expect(pageA.GetByTestId("presence-menu")).ToContainTextAsync("休息中");
        await Expect(aInB).ToHaveAttributeAsync("data-presence", "on_break");
        await pageB.ScreenshotAsync(new() { Path = Artifact("workspace-presence.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
    }

    [Fact]
    public async Task AllView_AgentRole_SeesOnlyOwnTeamAndSharedQueue_SupervisorSeesEverything()
    {
        var token = Token();
        var aftersales = await CreateTeamAsync($"售后组 {token}");
        var logistics = await CreateTeamAsync($"物流组 {token}");
        var agent = await CreateAgentAsync("张敏", AgentRole.Agent, [aftersales]);
        var supervisor = await CreateAgentAsync("赵强", AgentRole.Supervisor);
        var ours = await CreateConversationAsync($"售后维修进度 {token}", "钱先生", $"{token}-1@example.cn", "维修到哪一步了？", aftersales);
        var theirs = await CreateConversationAsync($"物流投诉 {token}", "孙女士", $"{token}-2@example.cn", "快递员态度很差。", logistics);
        var shared = await CreateConversationAsync($"未分组咨询 {token}", "李先生", $"{token}-3@example.cn", "你好。", teamId: null);

        await using var agentContext = await SignInAsync(agent);
        var page = agentContext.Pages[0];
        await page.GetByTestId("view-all").ClickAsync();
        await page.GetByTestId("search").FillAsync(token);
        await page.GetByTestId("search-submit").ClickAsync();
        await Expect(page.Locator($"[data-testid=conversation-row][data-number='{ours}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"[data-testid=conversation-row][data-number='{shared}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"[data-testid=conversation-row][data-number='{theirs}']")).ToHaveCountAsync(0);
        await page.GetByTestId("view-my_teams").ClickAsync();
        await Expect(page.GetByTestId("conversation-row")).ToHaveCountAsync(1);
        await Expect(page.Locator($"[data-testid=conversation-row][data-number='{ours}']")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Artifact("workspace-agent-access.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
        await page.GotoAsync($"/conversations/{theirs}");
        await Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();

        await using var supervisorContext = await SignInAsync(supervisor);
        var page2 = supervisorContext.Pages[0];
        await page2.GetByTestId("view-all").ClickAsync();
        await page2.GetByTestId("search").FillAsync(token);
        await page2.GetByTestId("search-submit").ClickAsync();
        await Expect(page2.GetByTestId("conversation-row")).ToHaveCountAsync(3);
        await Expect(page2.Locator($"[data-testid=conversation-row][data-number='{theirs}']")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task KeyboardShortcuts_HelpListMoveOpenReply()
    {
        var token = Token();
        var agent = await CreateAgentAsync("黄磊", AgentRole.Supervisor);
        await CreateConversationAsync($"快捷键测试一 {token}", "甲", $"{token}-1@example.cn", "一", teamId: null);
        await CreateConversationAsync($"快捷键测试二 {token}", "乙", $"{token}-2@example.cn", "二", teamId: null);
        await using var context = await SignInAsync(agent);
        var page = context.Pages[0];
        await page.GetByTestId("search").FillAsync(token);
        await page.GetByTestId("search-submit").ClickAsync();
        await Expect(page.GetByTestId("conversation-row")).ToHaveCountAsync(2);

        await page.Locator("#page-title").ClickAsync();
        await page.Keyboard.PressAsync("?");
        await Expect(page.GetByText("键盘快捷键")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Artifact("workspace-shortcuts.png"), Animations = ScreenshotAnimations.Disabled });
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByText("键盘快捷键")).ToHaveCountAsync(0);

        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("j");
        await Expect(page.Locator("tr.kefu-selected")).ToContainTextAsync("快捷键测试一");
        await page.Keyboard.PressAsync("k");
        await Expect(page.Locator("tr.kefu-selected")).ToContainTextAsync("快捷键测试二");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("conversation-title")).ToContainTextAsync("快捷键测试二");
        await WaitInteractiveAsync(page);
        await page.Keyboard.PressAsync("r");
        await Expect(page.GetByTestId("composer")).ToBeFocusedAsync();
        await page.Locator("body").ClickAsync(new() { Position = new() { X = 5, Y = 300 } });
        await page.Keyboard.PressAsync("g");
        await page.Keyboard.PressAsync("i");
        await Expect(page.Locator("#page-title")).ToHaveTextAsync("会话");
    }

    [Fact]
    public async Task ConversationPage_ChatVisitor_ShowsVisitorContextAndHistoryAcrossChannels()
    {
        var token = Token();
        var agent = await CreateAgentAsync("何琳", AgentRole.Agent);
        var email = $"{token}@example.cn";
        await CreateConversationAsync($"发票邮寄地址 {token}", "马先生", email, "上个月的发票寄到哪里了？", teamId: null, Channel.Email);
        var chat = await CreateConversationAsync($"在线咨询 {token}", "马先生", email, "我想改一下收货地址。", teamId: null);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            var conversation = await db.Conversations.FirstAsync(c => c.Number == chat);
            var now = DateTimeOffset.UtcNow;
            var inbox = Kefu.Core.Channels.Chat.ChatInbox.Create(Guid.CreateVersion7(), Kefu.Core.Channels.Chat.ChatInboxSettings.Default($"官网 {token}"), token, now).Value;
            var session = Kefu.Core.Channels.Chat.ChatSession.Start(Guid.CreateVersion7(), inbox.Id, "v-" + token, conversation.CustomerId, false, now);
            session.Seen(new("https://shop.example.cn/", "首页", "https://www.baidu.com/s?wd=example", "zh-CN", "Mozilla/5.0 (iPhone) Safari", "203.0.113.7"), now.AddMinutes(-3));
            session.Seen(new("https://shop.example.cn/orders/88", "我的订单", null, "zh-CN", null, null), now);
            session.Attach(conversation.Id);
            db.ChatInboxes.Add(inbox);
            db.ChatSessions.Add(session);
            await db.SaveChangesAsync();
        }

        await using var context = await SignInAsync(agent);
        var page = context.Pages[0];
        await page.GotoAsync($"/conversations/{chat}");
        await WaitInteractiveAsync(page);
        var visitor = page.GetByTestId("visitor-context");
        await Expect(visitor.GetByTestId("visitor-current-page")).ToHaveTextAsync("我的订单");
        await Expect(visitor).ToContainTextAsync("https://www.baidu.com/s?wd=example");
        await Expect(visitor).ToContainTextAsync("203.0.113.7");
        await Expect(visitor).ToContainTextAsync("iPhone");
        await Expect(visitor.GetByTestId("visitor-pages").Locator("li")).ToHaveCountAsync(2);

        await page.GetByTestId("tab-timeline").ClickAsync();
        var timeline = page.GetByTestId("timeline");
        await Expect(timeline).ToContainTextAsync("上个月的发票寄到哪里了？");
        await Expect(timeline).ToContainTextAsync("我想改一下收货地址。");
        await Expect(timeline).ToContainTextAsync("邮件");
        await page.ScreenshotAsync(new() { Path = Artifact("workspace-customer-context.png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
    }

    private static string Token() => Guid.NewGuid().ToString("N")[..8];

    private static string Artifact(string name) => Path.Combine(KefuServer.Artifacts, name);

    private async Task<(string Email, string Name)> CreateAgentAsync(string name, AgentRole role, IReadOnlyList<Guid>? teams = null)
    {
        var email = $"{Token()}@kefu.test";
        await using var scope = server.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AgentAccounts>();
        var created = await accounts.CreateAsync(Actor.System, DateTimeOffset.UtcNow,
            new CreateAgentRequest(email, name, role, teams ?? [], "zh-CN", Password), CancellationToken.None);
        Assert.True(created.IsOk, created.Error?.ToString());
        return (email, name);
    }

    private async Task<Guid> CreateTeamAsync(string name)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var team = Team.Create(Guid.CreateVersion7(), name, null, DateTimeOffset.UtcNow).Value;
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        return team.Id;
    }

    private async Task<long> CreateConversationAsync(string subject, string customerName, string email, string text, Guid? teamId, Channel channel = Channel.Chat)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var result = await ConversationCommands.CreateAsync(db, Actor.System, DateTimeOffset.UtcNow,
            new CreateConversationRequest(channel, subject, null, new CustomerRef(IdentityKind.Email, null, email, customerName, "zh-CN"),
                new NewMessage(MessageKind.Inbound, text, null, null, null), Priority.Normal, null, null, null, teamId),
            CancellationToken.None);
        var detail = result.Value.Detail;
        // Published as the API does, so open lists update.
        await scope.ServiceProvider.GetRequiredService<Kefu.Server.Realtime.RealtimePublisher>().MessageCreatedAsync(detail.Conversation, detail.Messages[0]);
        return detail.Conversation.Number;
    }

    /// <summary>A customer message through the same command and publish as the API's POST …/messages.</summary>
    private async Task AddCustomerMessageAsync(long number, string text)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var conversation = (await ConversationQueries.GetAsync(db, number.ToString(), CancellationToken.None))!.Conversation;
        var result = await ConversationCommands.AddMessageAsync(db, Actor.System, DateTimeOffset.UtcNow, conversation.Id,
            new NewMessage(MessageKind.Inbound, text, null, null, null), CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<Kefu.Server.Realtime.RealtimePublisher>().MessageCreatedAsync(result.Value.Conversation, result.Value.Message);
    }

    /// <summary>A browser context with the Chinese UI, signed in as the agent, on the conversation list.</summary>
    private async Task<IBrowserContext> SignInAsync((string Email, string Name) agent)
    {
        var context = await server.Browser.NewContextAsync(new()
        {
            BaseURL = server.BaseUrl,
            Locale = "zh-CN",
            ViewportSize = new() { Width = 1440, Height = 900 },
        });
        await context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = "c%3Dzh-CN%7Cuic%3Dzh-CN", Url = server.BaseUrl }]);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync("/login");
        await page.FillAsync("#email", agent.Email);
        await page.FillAsync("#password", Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("current-agent")).ToHaveTextAsync(agent.Name);
        return context;
    }

    private static async Task<JsonElement> PostJsonAsync(IPage page, string url, object body)
    {
        var response = await page.APIRequest.PostAsync(url, new() { DataObject = body });
        Assert.True(response.Ok, $"{url}: {response.Status} {await response.TextAsync()}");
        return (await response.JsonAsync())!.Value;
    }

    /// <summary>The circuit is live and the workspace script listens to shortcuts.</summary>
    private static async Task WaitInteractiveAsync(IPage page)
    {
        await Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
        await Expect(page.Locator("html[data-kefu-workspace=ready]")).ToHaveCountAsync(1);
    }
}
