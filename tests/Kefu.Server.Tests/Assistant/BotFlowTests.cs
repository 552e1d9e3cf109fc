using Kefu.Core.Bot;
using Kefu.Core.Bot.Flows;
using Kefu.Core.Tickets;
using Kefu.Server.Features.BotFlows;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Assistant;

/// <summary>
/// Multi-turn bot flows in real chats against a real lookup server (Kestrel on 127.0.0.1): the shipped order-status
/// template pointed at the shop, each flow enabled only for the test's own inbox.
/// </summary>
public sealed class BotFlowTests(Apps apps) : ServerTest(apps)
{
    private const string Flows = "/api/v1/bot/flows";

    private static string OrderNo(string prefix = "A") => prefix + Random.Shared.NextInt64(10_000_000, 99_999_999);

    /// <summary>An inbox with the order-status flow (from the template) enabled on it, looking up orders in the shop.</summary>
    private static async Task<(Guid Inbox, BotFlowDto Flow)> OrderFlowAsync(Caller admin, ShopLookup shop, int timeoutSeconds = 5, int retries = 0)
    {
        await admin.WaitForModelsAsync();
        var inbox = await admin.CreateInboxAsync();
        var template = await admin.Http.PostJsonAsync($"{Flows}/templates/order_status", new { }).ReadAsync<BotFlowDto>(HttpStatusCode.Created);
        Assert.False(template.Enabled);
        Assert.False(template.Ready);
        var steps = template.Steps.Select(s => s.Kind == FlowStepKind.Lookup
            ? s with { Url = shop.OrderUrl, HeaderName = "X-Api-Key", Secret = "shop-key-42", TimeoutSeconds = timeoutSeconds, Retries = retries }
            : s).ToList();
        var flow = await admin.Http.PutJsonAsync($"{Flows}/{template.Id}", BotFlowRequest(template, steps, inbox)).ReadAsync<BotFlowDto>(HttpStatusCode.OK);
        Assert.True(flow.Enabled && flow.Ready);
        return (inbox, flow);
    }

    private static BotFlowRequest BotFlowRequest(BotFlowDto f, IReadOnlyList<FlowStepBody> steps, Guid inbox) =>
        new(f.Name, true, [inbox], f.TriggersZh, f.TriggersEn, f.FaqKey, steps);

    private static Func<ConversationDetail, bool> BotSaid(string text, int count = 1) =>
        d => d.Messages.Count(m => m.AuthorKind == AuthorKind.Bot && m.Kind == MessageKind.Outbound && m.Text.Contains(text)) >= count;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Flow_OrderStatus_AsksRePromptsLooksUpAndAnswersAsPlainText(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        await using var shop = await ShopLookup.StartAsync();
        var (inbox, flow) = await OrderFlowAsync(admin, shop);
        var visitor = "v" + Unique.Id();
        var order = OrderNo();

        var sent = await app.VisitorSendsAsync(inbox, visitor, "你好，我的订单到哪了？");
        var id = sent.Conversation.Id;
        var detail = await admin.EventuallyAsync(id, BotSaid("请告诉我您的订单号"), "the order-number prompt");
        Assert.Equal(BotSettings.DefaultGreetingZh, detail.Messages.First(m => m.AuthorKind == AuthorKind.Bot).Text);
        var session = await app.DbAsync(x => x.BotSessions.AsNoTracking().SingleAsync(s => s.ConversationId == id));
        Assert.Equal(("ask_order", flow.Id), (session.Flow!.StepId, session.Flow.FlowId));

        // Not an order number: asked again, nothing looked up.
        await app.VisitorSendsAsync(inbox, visitor, "我忘了");
        await admin.EventuallyAsync(id, BotSaid("这个订单号好像不太对"), "the re-prompt");
        Assert.Empty(shop.Hits);

        await app.VisitorSendsAsync(inbox, visitor, $"订单号是 {order.ToLowerInvariant()}");
        detail = await admin.EventuallyAsync(id, BotSaid($"订单 {order} 的状态：已发货"), "the status from the lookup");
        Assert.Contains(detail.Messages, m => m.Text.Contains($"物流单号：SF{order}"));
        var hit = Assert.Single(shop.Hits);
        Assert.Equal(("GET", $"/api/orders/{order}", "shop-key-42"), (hit.Method, hit.Path, hit.ApiKey));
        session = await app.DbAsync(x => x.BotSessions.AsNoTracking().SingleAsync(s => s.ConversationId == id));
        Assert.Null(session.Flow);
        Assert.Equal(BotState.Active, session.State);
        Assert.DoesNotContain(detail.Messages, m => m.Kind == MessageKind.Note);

        // A value with markup reaches the chat as literal text (messages are plain text; no HTML is made of it).
        var html = OrderNo("HTML");
        await app.VisitorSendsAsync(inbox, visitor, "查订单");
        await admin.EventuallyAsync(id, BotSaid("请告诉我您的订单号", 2), "the second prompt");
        await app.VisitorSendsAsync(inbox, visitor, html);
        detail = await admin.EventuallyAsync(id, BotSaid($"订单 {html}"), "the markup status");
        var answer = detail.Messages.Single(m => m.Text.Contains($"订单 {html}"));
        Assert.Contains("<b onclick=\"x()\">已发货</b>", answer.Text);
        Assert.Null(answer.Html);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Flow_NotFoundAnswers_ErrorTimeoutAndRedirect_ApologiseAndHandOff(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        await using var shop = await ShopLookup.StartAsync();
        var (inbox, _) = await OrderFlowAsync(admin, shop, timeoutSeconds: 1, retries: 1);

        var missing = OrderNo("NF");
        var visitor = "v" + Unique.Id();
        var sent = await app.VisitorSendsAsync(inbox, visitor, "查订单");
        await admin.EventuallyAsync(sent.Conversation.Id, BotSaid("订单号"), "the prompt");
        await app.VisitorSendsAsync(inbox, visitor, missing);
        var detail = await admin.EventuallyAsync(sent.Conversation.Id, BotSaid($"没有找到订单 {missing}"), "the not-found reply");
        Assert.DoesNotContain(detail.Messages, m => m.Kind == MessageKind.Note);
        // 404 is an answer, not a failure: one call, no retry.
        Assert.Single(shop.Hits, h => h.Path.EndsWith(missing, StringComparison.Ordinal));

        foreach (var order in new[] { OrderNo("ERR"), OrderNo("SLOW"), OrderNo("MOV") })
        {
            var someone = "v" + Unique.Id();
            var chat = await app.VisitorSendsAsync(inbox, someone, "我想查询订单状态");
            await admin.EventuallyAsync(chat.Conversation.Id, BotSaid("订单号"), "the prompt");
            await app.VisitorSendsAsync(inbox, someone, order);
            detail = await admin.EventuallyAsync(chat.Conversation.Id, d => d.Messages.Any(m => m.Kind == MessageKind.Note), $"the handoff for {order}");
            Assert.Contains(detail.Messages, m => m.AuthorKind == AuthorKind.Bot && m.Text.Contains("暂时没能为您查到"));
            var note = detail.Messages.Single(m => m.Kind == MessageKind.Note).Text;
            Assert.Contains("bot flow could not finish", note);
            Assert.Contains($"order_number={order}", note);
            Assert.Contains("2 tries", note);
            Assert.DoesNotContain("shop-key-42", note);
            var session = await app.DbAsync(x => x.BotSessions.AsNoTracking().SingleAsync(s => s.ConversationId == chat.Conversation.Id));
            Assert.Equal((BotState.HandedOff, "flow_failed", (FlowRun?)null), (session.State, session.HandoffReason, session.Flow));
            await admin.EventuallyAsync(chat.Conversation.Id, d => d.Conversation.Tags.Contains("bot_handoff"), "the handoff tag");
        }

        // The redirect was not followed anywhere.
        Assert.Equal(2, shop.Hits.Count(h => h.Path.Contains("MOV", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Flow_CancelGoesBackToFaq_AskingForAPersonMidFlowHandsOff(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        await using var shop = await ShopLookup.StartAsync();
        var (inbox, _) = await OrderFlowAsync(admin, shop);

        var visitor = "v" + Unique.Id();
        var sent = await app.VisitorSendsAsync(inbox, visitor, "我的订单到哪了");
        await admin.EventuallyAsync(sent.Conversation.Id, BotSaid("订单号"), "the prompt");
        await app.VisitorSendsAsync(inbox, visitor, "取消");
        await admin.EventuallyAsync(sent.Conversation.Id, BotSaid("好的，已取消"), "the cancel");
        var session = await app.DbAsync(x => x.BotSessions.AsNoTracking().SingleAsync(s => s.ConversationId == sent.Conversation.Id));
        Assert.Equal((BotState.Active, (FlowRun?)null), (session.State, session.Flow));

        var second = "v" + Unique.Id();
        var other = await app.VisitorSendsAsync(inbox, second, "where is my order?", "en");
        await admin.EventuallyAsync(other.Conversation.Id, BotSaid("What is your order number"), "the English prompt");
        await app.VisitorSendsAsync(inbox, second, "转人工");
        var detail = await admin.EventuallyAsync(other.Conversation.Id, d => d.Messages.Any(m => m.Kind == MessageKind.Note), "the handoff note");
        Assert.Contains("customer asked for a person", detail.Messages.Single(m => m.Kind == MessageKind.Note).Text);
        session = await app.DbAsync(x => x.BotSessions.AsNoTracking().SingleAsync(s => s.ConversationId == other.Conversation.Id));
        Assert.Equal((BotState.HandedOff, "customer_asked", (FlowRun?)null), (session.State, session.HandoffReason, session.Flow));
        Assert.Empty(shop.Hits);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Crud_FieldErrorsWriteOnlySecretTemplateAndTryConsole(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        await using var shop = await ShopLookup.StartAsync();
        var inbox = await admin.CreateInboxAsync();
        var name = "退款进度 " + Unique.Id();
        object Body(string url, string? secret, bool enabled = true, Guid[]? inboxes = null, string reply = "退款状态：{{refund}}") => new
        {
            name,
            enabled,
            inboxIds = inboxes ?? [inbox],
            triggersZh = new[] { "退款进度" + Unique.Id() },
            steps = new object[]
            {
                new { id = "ask", kind = "ask", slot = "order_number", slotType = "order_number", promptZh = "请输入订单号" },
                new { id = "lookup", kind = "lookup", url, headerName = "X-Api-Key", secret, map = new[] { new { variable = "refund", path = "status" } } },
                new { id = "reply", kind = "reply", textZh = reply },
            },
        };

        var bad = await admin.Http.PostJsonAsync(Flows, Body("ftp://shop/{{order_number}}", "k", inboxes: [Guid.NewGuid()], reply: "{{nope}}")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["inboxIds", "steps[1].url", "steps[2].textZh"], bad.Fields.Order(StringComparer.Ordinal));
        (await admin.Http.PostJsonAsync(Flows, new { name, enabled = true, steps = Array.Empty<object>() }).ProblemAsync(HttpStatusCode.BadRequest)).Field("steps");

        var created = await admin.Http.PostJsonAsync(Flows, Body(shop.OrderUrl, "secret-1")).ReadAsync<JsonElement>(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        var lookup = created.GetProperty("steps")[1];
        Assert.True(lookup.GetProperty("hasSecret").GetBoolean());
        Assert.DoesNotContain("secret-1", created.GetRawText());
        var stored = await app.DbAsync(x => x.BotFlows.AsNoTracking().SingleAsync(f => f.Id == id));
        Assert.DoesNotContain("secret-1", stored.Steps[1].SecretProtected);
        (await admin.Http.PostJsonAsync(Flows, Body(shop.OrderUrl, null)).ProblemAsync(HttpStatusCode.BadRequest)).Field("name");

        // Saved again without the secret: it is kept; the console's lookup sends it.
        await admin.Http.PutJsonAsync($"{Flows}/{id}", Body(shop.OrderUrl, null)).ReadAsync<BotFlowDto>(HttpStatusCode.OK);
        var order = OrderNo();
        var first = await admin.Http.PostJsonAsync($"{Flows}/{id}/try", new { text = "退款怎么样了", language = "zh-CN" }).ReadAsync<FlowTryResult>(HttpStatusCode.OK);
        Assert.Equal((FlowStatus.WaitingForAnswer, "请输入订单号", false), (first.Status, first.Replies.Single(), first.Triggered));
        var second = await admin.Http.PostJsonAsync($"{Flows}/{id}/try", new { text = order, run = first.Run }).ReadAsync<FlowTryResult>(HttpStatusCode.OK);
        Assert.Equal((FlowStatus.Completed, "退款状态：已发货"), (second.Status, second.Replies.Single()));
        var call = Assert.Single(second.Lookups);
        Assert.Equal(("found", 200, "已发货"), (call.Outcome, call.StatusCode, call.Values["refund"]));
        Assert.Equal("secret-1", shop.Hits.Single(h => h.Path.EndsWith(order, StringComparison.Ordinal)).ApiKey);
        (await admin.Http.PostJsonAsync($"{Flows}/{id}/try", new { text = "" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("text");

        // "" removes the secret.
        var cleared = await admin.Http.PutJsonAsync($"{Flows}/{id}", Body(shop.OrderUrl, "")).ReadAsync<BotFlowDto>(HttpStatusCode.OK);
        Assert.False(cleared.Steps[1].HasSecret);

        // Admins only; unknown ids are 404; the template needs a URL to be enabled.
        var agent = await app.CreateAgentAsync();
        await agent.Http.GetAsync(Flows).ProblemAsync(HttpStatusCode.Forbidden);
        await admin.Http.GetAsync($"{Flows}/{Guid.NewGuid()}").ProblemAsync(HttpStatusCode.NotFound);
        await admin.Http.PostJsonAsync($"{Flows}/templates/nothing", new { }).ProblemAsync(HttpStatusCode.NotFound);
        var template = await admin.Http.PostJsonAsync($"{Flows}/templates/order_status", new { }).ReadAsync<BotFlowDto>(HttpStatusCode.Created);
        var enable = await admin.Http.PutJsonAsync($"{Flows}/{template.Id}", BotFlowRequest(template, template.Steps, inbox)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["steps[1].url"], enable.Fields);
        var list = await admin.Http.GetAsync(Flows).ReadAsync<List<BotFlowDto>>(HttpStatusCode.OK);
        Assert.Contains(list, f => f.Id == id);

        await admin.Http.DeleteAsync($"{Flows}/{id}").ExpectAsync(HttpStatusCode.NoContent);
        await admin.Http.DeleteAsync($"{Flows}/{template.Id}").ExpectAsync(HttpStatusCode.NoContent);
        await admin.Http.GetAsync($"{Flows}/{id}").ProblemAsync(HttpStatusCode.NotFound);
    }
}
