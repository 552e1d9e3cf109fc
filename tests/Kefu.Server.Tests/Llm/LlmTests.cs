using System.Text.Json.Nodes;
using Kefu.Core.Agents;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Llm;
using Kefu.Server.Tests.Assistant;
using Kefu.Testing;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Llm;

/// <summary>
/// The optional language model against a fake OpenAI-compatible server: settings, connection test, grounded bot answers
/// with their fallback, summaries, drafts, translations, redaction and access. The settings are one row per server, so
/// each test turns the model off again when it ends (the server tests run one at a time).
/// </summary>
public sealed class LlmTests(Apps apps) : ServerTest(apps)
{
    private const string Url = "/api/v1/admin/llm";
    private const string Phone = "13812345678";
    private const string IdNumber = "11010519491231002X";
    private const string Card = "6222021234567890128";

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Settings_ValidatedSaved_KeyEncryptedWriteOnly(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        try
        {
            var problem = await admin.Http.PutJsonAsync(Url, new { enabled = true, baseUrl = "ftp://x", model = "", timeoutSeconds = 0, maxTokens = 1 }).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(["baseUrl", "maxTokens", "model", "timeoutSeconds"], problem.Fields.Order());
            (await admin.Http.PutJsonAsync(Url, new { enabled = true, baseUrl = "" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("baseUrl");

            var key = "sk-test-" + Unique.Id();
            var body = await admin.Http.PutJsonAsync(Url, new { enabled = true, baseUrl = "http://127.0.0.1:11434/v1/", model = "qwen2.5:7b", apiKey = key, drafts = false, timeoutSeconds = 9 })
                .ExpectAsync(HttpStatusCode.OK);
            Assert.DoesNotContain(key, body);
            Assert.DoesNotContain("apiKey\"", body);
            var saved = JsonSerializer.Deserialize<LlmSettingsDto>(body, Http.Json)!;
            Assert.Equal((true, "http://127.0.0.1:11434/v1", "qwen2.5:7b", true, 9, false, true), (saved.Enabled, saved.BaseUrl, saved.Model, saved.HasApiKey, saved.TimeoutSeconds, saved.Drafts, saved.Summaries));
            // Stored encrypted: the key is not in the row.
            var stored = await app.DbAsync(x => x.LlmSettings.AsNoTracking().SingleAsync());
            Assert.DoesNotContain(key, stored.ApiKeyProtected);
            Assert.NotEmpty(stored.ApiKeyProtected);

            // Left out: kept; "" removes the key.
            var kept = await admin.Http.PutJsonAsync(Url, new { model = "qwen3" }).ReadAsync<LlmSettingsDto>(HttpStatusCode.OK);
            Assert.Equal(("qwen3", true, false, 9), (kept.Model, kept.HasApiKey, kept.Drafts, kept.TimeoutSeconds));
            Assert.False((await admin.Http.PutJsonAsync(Url, new { apiKey = "" }).ReadAsync<LlmSettingsDto>(HttpStatusCode.OK)).HasApiKey);
            var features = await admin.Http.GetAsync("/api/v1/llm/features").ReadAsync<LlmFeaturesDto>(HttpStatusCode.OK);
            Assert.Equal((true, true, false, true), (features.Enabled, features.Summaries, features.Drafts, features.Translation));
        }
        finally
        {
            await LlmOffAsync(admin);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TestConnection_AnswersOrSaysWhy(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        await using var fake = await FakeOpenAi.StartAsync();
        try
        {
            var key = "sk-conn-" + Unique.Id();
            await admin.Http.PutJsonAsync(Url, new { baseUrl = fake.BaseUrl, model = "fake-model", apiKey = key }).ExpectAsync(HttpStatusCode.OK);

            // The stored settings (and the decrypted key) reach the model; the model is not even on yet.
            var ok = await admin.Http.PostJsonAsync(Url + "/test", new { }).ReadAsync<LlmTestResult>(HttpStatusCode.OK);
            Assert.True(ok.Ok, ok.Message);
            Assert.Equal("fake-model", ok.Model);
            var sent = Assert.Single(fake.Requests);
            Assert.Equal(("Bearer " + key, "fake-model"), (sent.Authorization, sent.Model));

            fake.Status = 401;
            var refused = await admin.Http.PostJsonAsync(Url + "/test", new { }).ReadAsync<LlmTestResult>(HttpStatusCode.OK);
            Assert.False(refused.Ok);
            Assert.Contains("401", refused.Message);

            // Settings sent with the test are tried without saving them: a port nobody listens on.
            var closed = await admin.Http.PostJsonAsync(Url + "/test", new { baseUrl = "http://127.0.0.1:9/v1", timeoutSeconds = 2 }).ReadAsync<LlmTestResult>(HttpStatusCode.OK);
            Assert.False(closed.Ok);
            (await admin.Http.PostJsonAsync(Url + "/test", new { baseUrl = "not a url" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("baseUrl");
            Assert.Equal(fake.BaseUrl, (await admin.Http.GetAsync(Url).ReadAsync<LlmSettingsDto>(HttpStatusCode.OK)).BaseUrl);
        }
        finally
        {
            await LlmOffAsync(admin);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bot_UnsureQuestion_GroundedAnswerCitesKbSources_NoPersonalDataLeaves(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var u = Unique.Id();
        var email = $"zhang{u}@example.com";
        var faq = await admin.PublishFaqAsync("zh-CN", $"积分{u}兑换的礼品多久能发货？", [$"积分{u}换的东西什么时候发", $"积分{u}礼品发货时间"], $"积分{u}兑换的礼品在3个工作日内发货。");
        await admin.WaitForModelsAsync();
        await using var fake = await FakeOpenAi.StartAsync();
        fake.Reply = r => r.IsGrounded && r.User.Contains(faq.Answer) ? $"积分{u}的礼品会在3个工作日内发货[1]，发货后短信通知[PHONE_1][7]。" : "NO_ANSWER";
        try
        {
            await LlmOnAsync(admin, fake);
            // Every match is only a suggestion at this inbox: nothing reaches 0.99.
            var inbox = await admin.CreateInboxAsync(new { answerAtOrAbove = 0.99, outOfScopeBelow = 0.05 });

            var sent = await app.VisitorSendsAsync(inbox, "v" + u, $"积分{u}兑换的礼品什么时候发货？手机{Phone}，邮箱{email}，身份证{IdNumber}，卡号{Card}");
            var detail = await admin.EventuallyAsync(sent.Conversation.Id, d => d.Messages.Count(m => m.AuthorKind == AuthorKind.Bot) >= 2, "the greeting and the grounded answer");

            var answer = detail.Messages.Last(m => m.AuthorKind == AuthorKind.Bot);
            // The answer, the customer's own number put back, the citation to a source that was not given dropped, and the source listed.
            Assert.Equal($"积分{u}的礼品会在3个工作日内发货[1]，发货后短信通知{Phone}。\n\n参考来源：\n[1] {faq.Question}", answer.Text);
            Assert.Empty(answer.QuickReplies ?? []);
            var session = await app.DbAsync(x => x.BotSessions.AsNoTracking().SingleAsync(s => s.ConversationId == sent.Conversation.Id));
            Assert.Equal(0, session.FailedRounds);

            var grounded = Assert.Single(fake.Requests, r => r.IsGrounded && r.User.Contains(u));
            Assert.Contains($"[1] {faq.Question}", grounded.User);
            Assert.Contains(faq.Answer, grounded.User);
            AssertNothingPersonal(fake, email);
            Assert.Contains("[EMAIL_1]", grounded.User);
            Assert.Contains("[ID_1]", grounded.User);
            Assert.Contains("[CARD_1]", grounded.User);
        }
        finally
        {
            await LlmOffAsync(admin);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bot_LlmFailsOrTimesOut_ClassicSuggestions_ConfidentAnswerNeverAsksTheModel(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var u = Unique.Id();
        var faq = await admin.PublishFaqAsync("en", $"How do I redeem a {u} gift card?", [$"redeem {u} voucher", $"use my {u} gift card"], $"Enter the {u} card code at checkout.");
        await admin.WaitForModelsAsync();
        await using var fake = await FakeOpenAi.StartAsync();
        fake.Reply = r => $"Use the code at checkout [1] {u}.";
        try
        {
            await LlmOnAsync(admin, fake, timeoutSeconds: 1);
            var unsure = await admin.CreateInboxAsync(new { answerAtOrAbove = 0.99, outOfScopeBelow = 0.05 });

            fake.Status = 500;
            var failed = await app.VisitorSendsAsync(unsure, "v1" + u, $"{u} gift card redeem", "en");
            var detail = await admin.EventuallyAsync(failed.Conversation.Id, d => d.Messages.Any(m => m.QuickReplies is { Count: > 0 }), "the classic suggestions");
            Assert.StartsWith("Did you mean:", detail.Messages.Single(m => m.QuickReplies is { Count: > 0 }).Text);
            Assert.Contains(fake.Requests, r => r.IsGrounded && r.User.Contains(u));

            fake.Status = 200;
            fake.Delay = TimeSpan.FromSeconds(4);
            var slow = await app.VisitorSendsAsync(unsure, "v2" + u, $"{u} gift card redeem", "en");
            detail = await admin.EventuallyAsync(slow.Conversation.Id, d => d.Messages.Any(m => m.QuickReplies is { Count: > 0 }), "the classic suggestions after the timeout");
            Assert.DoesNotContain(detail.Messages, m => m.Text.Contains("Sources:"));

            // Confident: the classic answer, and the model is not asked.
            fake.Delay = TimeSpan.Zero;
            var asked = fake.Requests.Count;
            var sure = await admin.CreateInboxAsync();
            var confident = await app.VisitorSendsAsync(sure, "v3" + u, faq.Question, "en");
            detail = await admin.EventuallyAsync(confident.Conversation.Id, d => d.Messages.Any(m => m.Text == faq.Answer), "the classic answer");
            Assert.DoesNotContain(fake.Requests.Skip(asked), r => r.IsGrounded && r.User.Contains(u));
        }
        finally
        {
            await LlmOffAsync(admin);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Bot_Handoff_NoteCarriesTheModelsSummary(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        await admin.WaitForModelsAsync();
        var u = Unique.Id();
        await using var fake = await FakeOpenAi.StartAsync();
        fake.Reply = r => r.IsSummary && r.User.Contains(u) ? $"客户催订单{u}，联系电话[PHONE_1]，要求人工。" : "NO_ANSWER";
        try
        {
            await LlmOnAsync(admin, fake);
            var inbox = await admin.CreateInboxAsync();
            var sent = await app.VisitorSendsAsync(inbox, "v" + u, $"订单{u}一直没到，电话{Phone}，我要转人工");
            var detail = await admin.EventuallyAsync(sent.Conversation.Id, d => d.Messages.Any(m => m.Kind == MessageKind.Note), "the handoff note");

            var note = Assert.Single(detail.Messages, m => m.Kind == MessageKind.Note);
            Assert.Contains("customer asked for a person", note.Text);
            Assert.Contains($"AI summary · AI 摘要:\n客户催订单{u}，联系电话{Phone}，要求人工。", note.Text);
            AssertNothingPersonal(fake);
        }
        finally
        {
            await LlmOffAsync(admin);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Agent_SummaryDraftTranslation_RedactedOutRestoredBack(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var u = Unique.Id();
        var email = $"li{u}@example.com";
        await using var fake = await FakeOpenAi.StartAsync();
        fake.Reply = r =>
            r.IsSummary ? $"Summary {u}: the customer ([EMAIL_1], [PHONE_1]) wants a refund."
            : r.IsDraft ? $"Draft {u}: we will refund card [CARD_1] and write to [EMAIL_1]."
            : r.IsTranslation ? $"Translation {u}: " + r.User
            : "NO_ANSWER";
        try
        {
            var conversation = (await agent.Http.CreateConversationAsync(Api.NewConversation(
                text: $"我要退款{u}。我的电话{Phone}，邮箱{email}，身份证{IdNumber}，退到卡{Card}"))).Conversation;
            var base_ = $"{Api.Conversations}/{conversation.Id}/llm";

            // Off: 409 with a hint.
            await agent.Http.PostJsonAsync(base_ + "/summary", new { }).ProblemAsync(HttpStatusCode.Conflict);
            await LlmOnAsync(admin, fake);

            var summary = await agent.Http.PostJsonAsync(base_ + "/summary", new { }).ReadAsync<LlmTextResult>(HttpStatusCode.OK);
            Assert.Equal($"Summary {u}: the customer ({email}, {Phone}) wants a refund.", summary.Text);
            // The agent's UI language by default.
            Assert.Contains("English", fake.Requests.Last().System);
            Assert.Contains("Customer: 我要退款", fake.Requests.Last().User);

            var draft = await agent.Http.PostJsonAsync(base_ + "/draft", new { instructions = "apologise" }).ReadAsync<LlmTextResult>(HttpStatusCode.OK);
            Assert.Equal($"Draft {u}: we will refund card {Card} and write to {email}.", draft.Text);
            Assert.Equal("zh-CN", draft.Language);
            Assert.Contains("apologise", fake.Requests.Last().User);

            var inbound = (await agent.Http.GetConversationAsync(conversation.Id)).Messages.First(m => m.Kind == MessageKind.Inbound);
            var translated = await agent.Http.PostJsonAsync(base_ + "/translate", new { messageId = inbound.Id }).ReadAsync<LlmTextResult>(HttpStatusCode.OK);
            Assert.Equal("en", translated.Language);
            Assert.Equal($"Translation {u}: 我要退款{u}。我的电话{Phone}，邮箱{email}，身份证{IdNumber}，退到卡{Card}", translated.Text);
            var reply = await agent.Http.PostJsonAsync(base_ + "/translate", new { text = "We will refund you today." }).ReadAsync<LlmTextResult>(HttpStatusCode.OK);
            Assert.Equal("zh-CN", reply.Language);
            Assert.Contains("Simplified Chinese", fake.Requests.Last().System);

            AssertNothingPersonal(fake, email);

            (await agent.Http.PostJsonAsync(base_ + "/translate", new { }).ProblemAsync(HttpStatusCode.BadRequest)).Field("text");
            (await agent.Http.PostJsonAsync(base_ + "/translate", new { messageId = Guid.NewGuid() }).ProblemAsync(HttpStatusCode.BadRequest)).Field("messageId");
            (await agent.Http.PostJsonAsync(base_ + "/translate", new { text = "x", to = "en us!" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("to");

            fake.Status = 503;
            await agent.Http.PostJsonAsync(base_ + "/draft", new { }).ProblemAsync(HttpStatusCode.BadGateway);
            fake.Status = 200;
            await admin.Http.PutJsonAsync(Url, new { drafts = false }).ExpectAsync(HttpStatusCode.OK);
            await agent.Http.PostJsonAsync(base_ + "/draft", new { }).ProblemAsync(HttpStatusCode.Conflict);
        }
        finally
        {
            await LlmOffAsync(admin);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Access_AdminOnlySettings_ConversationVisibility_SignedIn(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var billing = await admin.Http.PostJsonAsync(Api.Teams, new { name = "Billing " + Unique.Id() }).ReadAsync<TeamDto>(HttpStatusCode.Created);
        var member = await app.CreateAgentAsync(teamIds: [billing.Id]);
        var outsider = await app.CreateAgentAsync();
        var readOnly = await app.CreateAgentAsync(scopes: ["conversations:read"]);
        var teamed = (await member.Http.CreateConversationAsync(Api.NewConversation(teamId: billing.Id))).Conversation;
        await using var fake = await FakeOpenAi.StartAsync();
        try
        {
            await LlmOnAsync(admin, fake);
            await member.Http.GetAsync(Url).ExpectAsync(HttpStatusCode.Forbidden);
            await member.Http.PutJsonAsync(Url, new { enabled = false }).ExpectAsync(HttpStatusCode.Forbidden);
            await member.Http.PostJsonAsync(Url + "/test", new { }).ExpectAsync(HttpStatusCode.Forbidden);
            await app.Anonymous().GetAsync(Url).ExpectAsync(HttpStatusCode.Unauthorized);
            await app.Anonymous().PostJsonAsync($"{Api.Conversations}/{teamed.Id}/llm/summary", new { }).ExpectAsync(HttpStatusCode.Unauthorized);

            foreach (var (path, body) in new (string, object)[] { ("summary", new { }), ("draft", new { }), ("translate", new { text = "hi" }) })
            {
                await outsider.Http.PostJsonAsync($"{Api.Conversations}/{teamed.Id}/llm/{path}", body).ProblemAsync(HttpStatusCode.NotFound);
            }

            await member.Http.PostJsonAsync($"{Api.Conversations}/{teamed.Id}/llm/summary", new { }).ExpectAsync(HttpStatusCode.OK);
            // Drafting is writing: a read-only token may summarise but not draft.
            await readOnly.Http.PostJsonAsync($"{Api.Conversations}/{teamed.Id}/llm/draft", new { }).ExpectAsync(HttpStatusCode.Forbidden);
            Assert.DoesNotContain(fake.Requests, r => r.IsDraft);
        }
        finally
        {
            await LlmOffAsync(admin);
        }
    }

    private static async Task LlmOnAsync(Caller admin, FakeOpenAi fake, int timeoutSeconds = 10) =>
        await admin.Http.PutJsonAsync(Url, new
        {
            enabled = true, baseUrl = fake.BaseUrl, model = "fake-model", apiKey = "sk-" + Unique.Id(), timeoutSeconds,
            groundedAnswers = true, summaries = true, drafts = true, translation = true,
        }).ExpectAsync(HttpStatusCode.OK);

    private static async Task LlmOffAsync(Caller admin) =>
        await admin.Http.PutJsonAsync(Url, new { enabled = false }).ExpectAsync(HttpStatusCode.OK);

    private static void AssertNothingPersonal(FakeOpenAi fake, params string[] more)
    {
        var sent = fake.AllSent;
        Assert.NotEmpty(fake.Requests);
        foreach (var value in new[] { Phone, "138 1234 5678", IdNumber, Card }.Concat(more))
        {
            Assert.DoesNotContain(value, sent, StringComparison.OrdinalIgnoreCase);
        }
    }
}
