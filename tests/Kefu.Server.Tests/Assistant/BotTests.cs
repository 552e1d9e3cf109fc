using Kefu.Core.Bot;
using Kefu.Core.Knowledge;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Assistant;
using Kefu.Server.Features.Chat;
using Kefu.Server.Features.Knowledge;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Assistant;

public sealed class BotTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Chat_FaqQuestionInChinese_BotGreetsAndAnswersFromThePublishedKb(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var u = Unique.Id();
        var faq = await admin.PublishFaqAsync("zh-CN", $"积分{u}兑换的礼品多久能发货？", [$"积分{u}换的东西什么时候发", $"积分{u}礼品发货时间"], $"积分{u}兑换的礼品在3个工作日内发货。");
        await admin.WaitForModelsAsync();
        var inbox = await admin.CreateInboxAsync();

        var sent = await app.VisitorSendsAsync(inbox, "v" + u, $"请问积分{u}兑换的礼品多久能发货");
        var detail = await admin.EventuallyAsync(sent.Conversation.Id, d => d.Messages.Count(m => m.AuthorKind == AuthorKind.Bot) >= 2, "the bot's greeting and answer");

        var bot = detail.Messages.Where(m => m.AuthorKind == AuthorKind.Bot).ToList();
        Assert.Equal([BotSettings.DefaultGreetingZh, faq.Answer], bot.Select(m => m.Text));
        Assert.All(bot, m => Assert.Equal(MessageKind.Outbound, m.Kind));
        // The customer's message was read (sentiment) and the bot's answer is not a first response: no agent replied.
        var question = Assert.Single(detail.Messages, m => m.Kind == MessageKind.Inbound);
        Assert.NotNull(question.Insight?.SentimentLabel);
        Assert.Null(detail.Conversation.FirstResponseAt);
        // While the bot answers, the chat waits for nobody.
        var waiting = await app.DbAsync(x => ChatQueries.WaitingAsync(x, inbox, CancellationToken.None));
        Assert.DoesNotContain(sent.Conversation.Id, waiting);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Chat_CustomerAsksForAPerson_HandedOffWithNoteAndQueued(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        await admin.WaitForModelsAsync();
        var inbox = await admin.CreateInboxAsync();
        var u = Unique.Id();

        var sent = await app.VisitorSendsAsync(inbox, "v" + u, $"订单{u}一直没到，我要转人工");
        var detail = await admin.EventuallyAsync(sent.Conversation.Id, d => d.Messages.Any(m => m.Kind == MessageKind.Note), "the handoff note");

        Assert.Contains(detail.Messages, m => m.AuthorKind == AuthorKind.Bot && m.Kind == MessageKind.Outbound && m.Text.Contains("转接人工客服"));
        var note = Assert.Single(detail.Messages, m => m.Kind == MessageKind.Note);
        Assert.Contains("customer asked for a person", note.Text);
        Assert.Contains("Sentiment", note.Text);
        var session = await app.DbAsync(x => x.BotSessions.AsNoTracking().SingleAsync(s => s.ConversationId == sent.Conversation.Id));
        Assert.Equal((BotState.HandedOff, "customer_asked"), (session.State, session.HandoffReason));
        detail = await admin.EventuallyAsync(sent.Conversation.Id, d => d.Conversation.Tags.Contains("bot_handoff"), "the handoff tag");
        // Now it waits for an agent like any chat; the transcript (the customer's question) is in the conversation.
        Assert.Contains(sent.Conversation.Id, await app.DbAsync(x => ChatQueries.WaitingAsync(x, inbox, CancellationToken.None)));
        Assert.Contains(detail.Messages, m => m.Kind == MessageKind.Inbound && m.Text.Contains(u));

        // After the handoff the bot stays silent.
        var before = detail.Messages.Count;
        await app.VisitorSendsAsync(inbox, "v" + u, "有人吗？");
        await Task.Delay(600);
        detail = await admin.Http.GetConversationAsync(sent.Conversation.Id);
        Assert.Equal(before + 1, detail.Messages.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Chat_SuggestionPicked_AnswersIt_UnknownQuestionsTwice_HandOffAndCountAsGaps(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var u = Unique.Id();
        var faq = await admin.PublishFaqAsync("en", $"How do I redeem a {u} gift card?", [$"redeem {u} voucher", $"use my {u} gift card"], $"Enter the {u} card code at checkout.");
        await admin.WaitForModelsAsync();
        // Every match is a suggestion at this inbox: nothing reaches 0.99.
        var inbox = await admin.CreateInboxAsync(new { answerAtOrAbove = 0.99, outOfScopeBelow = 0.3 });

        var sent = await app.VisitorSendsAsync(inbox, "v" + u, $"{u} gift card redeem", "en");
        var detail = await admin.EventuallyAsync(sent.Conversation.Id, d => d.Messages.Any(m => m.QuickReplies is { Count: > 0 }), "the suggestions");
        var suggestion = detail.Messages.Single(m => m.QuickReplies is { Count: > 0 });
        Assert.StartsWith("Did you mean:", suggestion.Text);
        Assert.Equal(faq.Question, suggestion.QuickReplies![0]);
        Assert.Equal("Talk to a person", suggestion.QuickReplies[^1]);

        // The visitor clicks the suggestion: the widget sends its question, the bot answers that entry.
        await app.VisitorSendsAsync(inbox, "v" + u, faq.Question, "en");
        await admin.EventuallyAsync(sent.Conversation.Id, d => d.Messages.Any(m => m.AuthorKind == AuthorKind.Bot && m.Text == faq.Answer), "the picked answer");

        // Two questions the knowledge base cannot answer: "I don't know", then the handoff.
        var unknown = $"qwzx plorf zrbt {Unique.Id()}";
        await app.VisitorSendsAsync(inbox, "v" + u, unknown, "en");
        await admin.EventuallyAsync(sent.Conversation.Id, d => d.Messages.Any(m => m.Text.StartsWith("Sorry, I don't know")), "the first failed round");
        await app.VisitorSendsAsync(inbox, "v" + u, unknown + "?", "en");
        var handed = await admin.EventuallyAsync(sent.Conversation.Id, d => d.Messages.Any(m => m.Kind == MessageKind.Note), "the handoff after two failed rounds");
        Assert.Contains("bot could not answer", handed.Messages.Single(m => m.Kind == MessageKind.Note).Text);

        var gaps = await admin.Http.GetAsync("/api/v1/kb/gaps?source=bot&language=en").ReadAsync<List<ContentGapGroup>>(HttpStatusCode.OK);
        var group = Assert.Single(gaps, g => g.Text.Contains(unknown));
        Assert.Equal(2, group.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Settings_DefaultsValidationAndBotOff(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var inbox = await admin.CreateInboxAsync();

        var defaults = await admin.Http.GetAsync($"/api/v1/chat-inboxes/{inbox}/bot").ReadAsync<BotSettingsDto>(HttpStatusCode.OK);
        Assert.Equal((true, 2, 500_000m, true), (defaults.Enabled, defaults.MaxFailedRounds, defaults.AmountThreshold, defaults.OnVip));

        var problem = await admin.Http.PutAsJsonAsync($"/api/v1/chat-inboxes/{inbox}/bot", new { answerAtOrAbove = 0.3, outOfScopeBelow = 0.6, maxFailedRounds = 50, amountThreshold = -1 }, Http.Json)
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["amountThreshold", "maxFailedRounds", "outOfScopeBelow"], problem.Fields.Order(StringComparer.Ordinal));
        await admin.Http.PutAsJsonAsync($"/api/v1/chat-inboxes/{Guid.NewGuid()}/bot", new { enabled = false }, Http.Json).ProblemAsync(HttpStatusCode.NotFound);
        var agent = await app.CreateAgentAsync();
        await agent.Http.PutAsJsonAsync($"/api/v1/chat-inboxes/{inbox}/bot", new { enabled = false }, Http.Json).ProblemAsync(HttpStatusCode.Forbidden);

        var off = await admin.Http.PutAsJsonAsync($"/api/v1/chat-inboxes/{inbox}/bot", new { enabled = false }, Http.Json).ReadAsync<BotSettingsDto>(HttpStatusCode.OK);
        Assert.False(off.Enabled);
        var config = await app.Anonymous().GetAsync($"/widget/{inbox}/config").ReadAsync<WidgetConfig>(HttpStatusCode.OK);
        Assert.False(config.Bot);

        // Without the bot the chat waits for an agent at once and nobody but people answer.
        var sent = await app.VisitorSendsAsync(inbox, "v" + Unique.Id(), "转人工");
        Assert.Contains(sent.Conversation.Id, await app.DbAsync(x => ChatQueries.WaitingAsync(x, inbox, CancellationToken.None)));
        await admin.EventuallyAsync(sent.Conversation.Id, d => d.Messages[0].Insight is not null, "the message's reading");
        Assert.DoesNotContain((await admin.Http.GetConversationAsync(sent.Conversation.Id)).Messages, m => m.AuthorKind == AuthorKind.Bot);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryConsole_EachHandoffRuleAndTier_IsExplained(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var u = Unique.Id();
        var faq = await admin.PublishFaqAsync("zh-CN", $"发票{u}怎么开？", [$"怎么开发票{u}", $"发票{u}在哪里申请"], $"在订单详情页申请发票{u}。");
        await admin.WaitForModelsAsync();

        async Task<BotTryResult> Try(object body) => await admin.Http.PostJsonAsync("/api/v1/bot/try", body).ReadAsync<BotTryResult>(HttpStatusCode.OK);

        var answer = await Try(new { text = $"请问发票{u}怎么开" });
        Assert.Equal((BotAction.Answer, AnswerTier.Answer, faq.Key, faq.Answer), (answer.Action, answer.Tier, answer.Candidates[0].Id, answer.Reply));
        Assert.Equal("zh-CN", answer.Language);

        var asked = await Try(new { text = "我要转人工" });
        Assert.Equal((BotAction.Handoff, HandoffReason.CustomerAsked), (asked.Action, asked.HandoffReasons[0]));
        Assert.True(asked.Signals.AsksForHuman);
        // 人工费 (labour cost) is a question, not a request for a person.
        var labour = await Try(new { text = "人工费怎么算" });
        Assert.False(labour.Signals.AsksForHuman);
        Assert.NotEqual(HandoffReason.CustomerAsked, labour.HandoffReasons.FirstOrDefault((HandoffReason)(-1)));

        var angry = await Try(new { text = "太失望了，我要投诉你们" });
        Assert.Equal(HandoffReason.NegativeEmotion, angry.HandoffReasons[0]);
        Assert.Equal("negative", angry.SentimentLabel);
        Assert.True(angry.Sentiment < 0);

        var amount = await Try(new { text = "这笔订单金额60万元，什么时候到账" });
        Assert.Equal((HandoffReason.HighAmount, 600_000m), (amount.HandoffReasons[0], amount.Signals.Amount));
        Assert.Equal(HandoffReason.Vip, (await Try(new { text = $"请问发票{u}怎么开", vip = true })).HandoffReasons[0]);

        var gibberish = $"xyzzy {Unique.Id()} 量子纠缠";
        var unknown = await Try(new { text = gibberish });
        Assert.Equal((BotAction.DontKnow, 1), (unknown.Action, unknown.FailedRoundsAfter));
        var failed = await Try(new { text = gibberish, failedRounds = 1 });
        Assert.Equal((BotAction.Handoff, HandoffReason.BotFailed), (failed.Action, failed.HandoffReasons[0]));

        // Rules are the inbox's: with the request rule off, 转人工 is just a question.
        var rulesOff = await Try(new { text = "我要转人工", settings = new { onCustomerRequest = false, maxFailedRounds = 0 } });
        Assert.NotEqual(BotAction.Handoff, rulesOff.Action);
        (await admin.Http.PostJsonAsync("/api/v1/bot/try", new { text = "" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("text");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EveryInboundMessage_AnyChannel_GetsSentimentAndCategory(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        await admin.WaitForModelsAsync();

        var created = await admin.Http.CreateConversationAsync(Api.NewConversation(text: "你们的服务太差了，我要投诉，再不解决就给差评！", channel: Channel.Email));
        var detail = await admin.EventuallyAsync(created.Conversation.Id, d => d.Messages[0].Insight is not null, "the message's reading");
        var insight = detail.Messages[0].Insight!;
        Assert.Equal("negative", insight.SentimentLabel);
        Assert.True(insight.Sentiment < 0);
        var complaint = await app.DbAsync(x => x.Categories.Where(c => c.Key == "complaint").Select(c => c.Id).SingleAsync());
        Assert.Equal(complaint, insight.SuggestedCategoryId);
        Assert.InRange(insight.CategoryConfidence!.Value, 0.2, 1);

        var reply = await admin.Http.PostJsonAsync($"{Api.Conversations}/{created.Conversation.Id}/messages", new { kind = "inbound", text = "Where is my order? It has not shipped yet." })
            .ReadAsync<JsonElement>(HttpStatusCode.Created);
        var orderStatus = await app.DbAsync(x => x.Categories.Where(c => c.Key == "order_status").Select(c => c.Id).SingleAsync());
        detail = await admin.EventuallyAsync(created.Conversation.Id, d => d.Messages.Count == 2 && d.Messages[1].Insight is not null, "the second reading");
        Assert.Equal(orderStatus, detail.Messages[1].Insight!.SuggestedCategoryId);
    }
}
