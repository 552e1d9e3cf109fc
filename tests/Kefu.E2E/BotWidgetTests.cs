using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Kefu.Core.Channels.Chat;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.E2E;

/// <summary>
/// The answer bot through the real widget in Chromium: with no agent online the chat still opens (the bot answers),
/// an FAQ question in Chinese gets the knowledge base's answer, a suggestion is one click, and 转人工 hands the chat
/// to a person: the visitor joins the queue and agents get a note with the reason.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class BotWidgetTests(KefuServer server)
{
    [Fact]
    public async Task Bot_FaqQuestionInChinese_AnswersThenHandsOffOnRequest()
    {
        var u = ChatFixture.Unique();
        using var admin = await server.AdminClientAsync();
        var answer = $"会员积分{u}兑换的礼品会在3个工作日内发货，可在“我的订单”查看物流。";
        await PublishAsync(admin, $"积分{u}兑换的礼品多久发货？", [$"积分{u}换的礼品什么时候发", $"积分{u}兑换礼品发货时间"], answer);
        await PublishAsync(admin, $"发票{u}怎么开？", [$"怎么开发票{u}", $"发票{u}在哪里申请"], $"在订单详情页点击“申请发票{u}”即可。");
        await PublishAsync(admin, $"退货地址{u}是哪里？", [$"退货{u}寄到哪里", $"退货{u}的地址"], $"退货请寄到上海市{u}仓库。");
        await WaitForModelsAsync(admin);
        var chat = await server.CreateChatSetupAsync(bot: true);

        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN" });
        var visitor = await context.NewPageAsync();
        await visitor.GotoAsync(chat.DemoUrl());
        await visitor.GetByTestId("kefu-launcher").ClickAsync();
        // Nobody is online, but the bot is: the chat opens instead of the offline form.
        await Expect(visitor.GetByTestId("kefu-composer")).ToBeVisibleAsync();
        await Expect(visitor.GetByTestId("kefu-offline-form")).ToBeHiddenAsync();

        await visitor.GetByTestId("kefu-input").FillAsync($"你好，积分{u}兑换的礼品多久能发货？");
        await visitor.GetByTestId("kefu-send").ClickAsync();
        var bot = visitor.Locator("[data-testid=kefu-message][data-from=bot]");
        await Expect(bot.Last).ToContainTextAsync(answer);
        await Expect(bot.First).ToContainTextAsync("我是智能助手");
        await visitor.ScreenshotAsync(new() { Path = Artifact("bot-answer.png") });

        // A question between two entries: the bot offers them as buttons; a click answers.
        await visitor.GetByTestId("kefu-input").FillAsync($"积分{u}和发票{u}");
        await visitor.GetByTestId("kefu-send").ClickAsync();
        var quick = visitor.GetByTestId("kefu-quick-reply");
        await Expect(quick.Last).ToHaveTextAsync("转人工");
        await Expect(bot.Last).ToContainTextAsync("您是不是想问");
        await visitor.ScreenshotAsync(new() { Path = Artifact("bot-suggestions.png") });
        await quick.Filter(new() { HasText = $"发票{u}怎么开" }).ClickAsync();
        await Expect(bot.Last).ToContainTextAsync($"申请发票{u}");
        await Expect(visitor.GetByTestId("kefu-quick-replies")).ToHaveCountAsync(0);

        // 转人工: handed to a person, the visitor waits in the queue.
        await visitor.GetByTestId("kefu-input").FillAsync("转人工");
        await visitor.GetByTestId("kefu-send").ClickAsync();
        await Expect(bot.Last).ToContainTextAsync("正在为您转接人工客服");
        await Expect(visitor.GetByTestId("kefu-queue")).ToContainTextAsync("您是下一位");
        await visitor.ScreenshotAsync(new() { Path = Artifact("bot-handoff.png") });

        // Agents get the whole transcript and a note with the reason, intent and sentiment.
        using var api = await server.ClientAsync(chat.AgentId);
        var conversation = (await ChatFixture.EventuallyAsync(() => api.FindConversationsAsync($"channel=chat&tag=bot_handoff&q={u}"), c => c.Count == 1, "the handed-off chat"))[0]!;
        var detail = await api.GetFromJsonAsync<JsonObject>($"/api/v1/conversations/{conversation["id"]}");
        var messages = detail!["messages"]!.AsArray();
        var note = messages.Single(m => m!["kind"]!.GetValue<string>() == "note")!["text"]!.GetValue<string>();
        Assert.Contains("customer asked for a person", note);
        Assert.Contains(messages, m => m!["text"]!.GetValue<string>().Contains($"积分{u}兑换的礼品多久能发货"));
    }

    /// <summary>
    /// The other ways a bot conversation ends, each through the widget: an out-of-scope question gets "I don't know"
    /// (and a second one hands off: the bot failed twice), anger and a large amount hand off at once, and the agent
    /// gets the transcript with the reason in a note.
    /// </summary>
    [Theory]
    [InlineData("out_of_scope_then_failed", "今天上海的天气怎么样？|那明天上海的天气怎么样？", "bot could not answer")]
    [InlineData("negative_emotion", "你们太差劲了，我非常失望，我要投诉！", "negative emotion")]
    [InlineData("high_amount", "我这笔订单一共60万元，要全部退款", "large amount")]
    public async Task Bot_OtherEndings_ReachAnAgentWithTheReason(string scenario, string messages, string reason)
    {
        var u = ChatFixture.Unique();
        using var admin = await server.AdminClientAsync();
        // The token marks this chat for the search below; no FAQ entry contains it, so nothing matches it.
        await WaitForModelsAsync(admin);
        var chat = await server.CreateChatSetupAsync(bot: true);
        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN" });
        var visitor = await context.NewPageAsync();
        await visitor.GotoAsync(chat.DemoUrl());
        await visitor.GetByTestId("kefu-launcher").ClickAsync();
        await Expect(visitor.GetByTestId("kefu-composer")).ToBeVisibleAsync();
        var bot = visitor.Locator("[data-testid=kefu-message][data-from=bot]");

        var texts = messages.Split('|');
        for (var i = 0; i < texts.Length; i++)
        {
            var before = await bot.CountAsync();
            await visitor.GetByTestId("kefu-input").FillAsync($"{texts[i]} {u}");
            await visitor.GetByTestId("kefu-send").ClickAsync();
            await Expect(bot).Not.ToHaveCountAsync(before);
            if (scenario == "out_of_scope_then_failed" && i == 0)
            {
                // Out of scope: it says so instead of guessing.
                await Expect(bot.Last).ToContainTextAsync("这个问题我暂时回答不了");
            }
        }

        await Expect(bot.Last).ToContainTextAsync("正在为您转接人工客服");
        await visitor.ScreenshotAsync(new() { Path = Artifact($"bot-{scenario}.png") });
        using var api = await server.ClientAsync(chat.AgentId);
        var conversation = (await ChatFixture.EventuallyAsync(() => api.FindConversationsAsync($"channel=chat&tag=bot_handoff&q={u}"), c => c.Count == 1, "the handed-off chat"))[0]!;
        var detail = await api.GetFromJsonAsync<JsonObject>($"/api/v1/conversations/{conversation["id"]}");
        var all = detail!["messages"]!.AsArray();
        Assert.Contains(reason, all.Single(m => m!["kind"]!.GetValue<string>() == "note")!["text"]!.GetValue<string>());
        Assert.All(texts, t => Assert.Contains(all, m => m!["text"]!.GetValue<string>().Contains(t)));
    }

    /// <summary>
    /// A signed-in VIP (the website vouches for its user id; the customer is tagged vip): the bot hands the first
    /// question straight to a person, and the agent sees the reason.
    /// </summary>
    [Fact]
    public async Task Bot_VipCustomer_HandsOffAtOnce()
    {
        var u = ChatFixture.Unique();
        using var admin = await server.AdminClientAsync();
        await WaitForModelsAsync(admin);
        var chat = await server.CreateChatSetupAsync(bot: true);
        using var api = await server.ClientAsync(chat.AgentId);
        var externalId = "vip-user-" + u;
        var created = await api.PostAsJsonAsync("/api/v1/customers", new
        {
            name = "王芳",
            tags = new[] { "vip" },
            identities = new[] { new { kind = "external", source = $"web:{chat.InboxId:N}", value = externalId } },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var customerId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();

        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN" });
        var visitor = await context.NewPageAsync();
        var signature = VisitorIdentity.Sign(chat.Secret, externalId);
        await visitor.GotoAsync(chat.DemoUrl(query: $"&externalId={externalId}&name=王芳&signature={signature}"));
        await visitor.GetByTestId("kefu-launcher").ClickAsync();
        await visitor.GetByTestId("kefu-input").FillAsync($"请问发票怎么开 {u}");
        await visitor.GetByTestId("kefu-send").ClickAsync();
        var bot = visitor.Locator("[data-testid=kefu-message][data-from=bot]");
        await Expect(bot.Last).ToContainTextAsync("正在为您转接人工客服");
        await visitor.ScreenshotAsync(new() { Path = Artifact("bot-vip.png") });

        var conversation = (await ChatFixture.EventuallyAsync(() => api.FindConversationsAsync($"channel=chat&tag=bot_handoff&q={u}"), c => c.Count == 1, "the handed-off chat"))[0]!;
        Assert.Equal(customerId, conversation["customerId"]!.GetValue<Guid>());
        var detail = await api.GetFromJsonAsync<JsonObject>($"/api/v1/conversations/{conversation["id"]}");
        var all = detail!["messages"]!.AsArray();
        Assert.Contains("VIP customer", all.Single(m => m!["kind"]!.GetValue<string>() == "note")!["text"]!.GetValue<string>());
        Assert.Contains(all, m => m!["text"]!.GetValue<string>().Contains($"请问发票怎么开 {u}"));
    }

    private static async Task PublishAsync(HttpClient admin, string question, string[] similar, string answer)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/kb/faqs", new { language = "zh-CN", question, similar, answer, status = "published" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task WaitForModelsAsync(HttpClient admin) => await ChatFixture.EventuallyAsync(
        () => admin.GetFromJsonAsync<JsonObject>("/api/v1/assistant/status")!,
        s => s!["ready"]!.GetValue<bool>() && s["kbVersion"]!.GetValue<long>() >= s["kbVersionInDatabase"]!.GetValue<long>(),
        "the assistant's models", 60);

    private static string Artifact(string name) => Path.Combine(KefuServer.Artifacts, name);
}
