using System.Text;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Core.Webhooks;
using Kefu.Server.Features.ApiChannel;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Integrations;

public sealed class ApiChannelTests(Apps apps) : ServerTest(apps)
{
    public const string Integrations = "/api/v1/integrations";

    public static async Task<IntegrationDto> CreateIntegrationAsync(Caller admin, string? callbackUrl = null, string? source = null) =>
        await admin.Http.PostJsonAsync(Integrations, new { name = "WeChat " + Unique.Id(), identitySource = source ?? "wx" + Unique.Id(), callbackUrl })
            .ReadAsync<IntegrationDto>(HttpStatusCode.Created);

    /// <summary>Posts a message to the integration's inbound URL, signed as an integrator would (Standard Webhooks).</summary>
    public static Task<HttpResponseMessage> PostSignedAsync(
        HttpClient http, IntegrationDto integration, string secret, object body, DateTimeOffset? signedAt = null, Func<string, string>? tamper = null, string? signature = null)
    {
        var json = body as string ?? JsonSerializer.Serialize(body, Http.Json);
        var id = "msg_" + Unique.Id();
        var timestamp = (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/channels/api/{integration.Id}/messages")
        {
            Content = new StringContent(tamper?.Invoke(json) ?? json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString());
        request.Headers.Add("webhook-signature", signature ?? StandardWebhook.Sign(secret, id, timestamp, json));
        return http.SendAsync(request);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Inbound_SignedMessages_ThreadPerContact_AndARetryMakesOneMessage(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var integration = await CreateIntegrationAsync(admin);
        Assert.StartsWith("whsec_", integration.Secret);
        var http = app.Anonymous();
        var contact = "oUser" + Unique.Id();
        var first = new { messageId = "m1-" + Unique.Id(), contactId = contact, contact = new { name = "王小明", phone = "+86 138 " + Random.Shared.Next(1000, 9999) + " " + Random.Shared.Next(1000, 9999) }, text = "你好，我的订单还没到。" };

        var created = await PostSignedAsync(http, integration, integration.Secret!, first).ReadAsync<InboundApiResult>(HttpStatusCode.Created);
        var retried = await PostSignedAsync(http, integration, integration.Secret!, first).ReadAsync<InboundApiResult>(HttpStatusCode.OK);
        var second = await PostSignedAsync(http, integration, integration.Secret!, new { messageId = "m2-" + Unique.Id(), contactId = contact, text = "请尽快处理" })
            .ReadAsync<InboundApiResult>(HttpStatusCode.Created);

        Assert.True(created.NewConversation);
        Assert.Equal(created.MessageId, retried.MessageId);
        Assert.False(retried.Created);
        Assert.Equal(created.ConversationId, second.ConversationId);
        Assert.False(second.NewConversation);
        var detail = await admin.Http.GetConversationAsync(created.ConversationId);
        Assert.Equal(Channel.Api, detail.Conversation.Channel);
        Assert.Equal(["你好，我的订单还没到。", "请尽快处理"], detail.Messages.Select(m => m.Text));
        Assert.All(detail.Messages, m => Assert.Equal(AuthorKind.Customer, m.AuthorKind));
        var customer = await admin.Http.GetCustomerAsync(detail.Conversation.CustomerId);
        Assert.Equal("王小明", customer.Name);
        Assert.Contains(customer.Identities, i => i.Kind == IdentityKind.External && i.Source == integration.IdentitySource && i.Value == contact);
        Assert.Contains(customer.Identities, i => i.Kind == IdentityKind.Phone);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Inbound_ResolvedConversationReopens_ClosedOneStartsANewConversation(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var integration = await CreateIntegrationAsync(admin);
        var http = app.Anonymous();
        var contact = "c" + Unique.Id();
        Task<InboundApiResult> Send(string text, HttpStatusCode status = HttpStatusCode.Created) =>
            PostSignedAsync(http, integration, integration.Secret!, new { messageId = Unique.Id(), contactId = contact, text }).ReadAsync<InboundApiResult>(status);

        var first = await Send("one");
        await admin.Http.PatchConversationAsync(first.ConversationId, new { status = "resolved" });
        var reopened = await Send("two");
        Assert.Equal(first.ConversationId, reopened.ConversationId);
        Assert.Equal(ConversationStatus.Open, (await admin.Http.GetConversationAsync(first.ConversationId)).Conversation.Status);

        await admin.Http.PatchConversationAsync(first.ConversationId, new { status = "resolved" });
        await admin.Http.PatchConversationAsync(first.ConversationId, new { status = "closed" });
        var next = await Send("three");
        Assert.NotEqual(first.ConversationId, next.ConversationId);
        Assert.True(next.NewConversation);
        Assert.Equal((await admin.Http.GetConversationAsync(first.ConversationId)).Conversation.CustomerId, (await admin.Http.GetConversationAsync(next.ConversationId)).Conversation.CustomerId);
    }

    public static TheoryData<string, string> BadSignatures => new()
    {
        { "sqlite", "tampered body" }, { "postgres", "tampered body" },
        { "sqlite", "stale timestamp" }, { "postgres", "stale timestamp" },
        { "sqlite", "future timestamp" }, { "postgres", "future timestamp" },
        { "sqlite", "wrong secret" }, { "postgres", "wrong secret" },
        { "sqlite", "no signature" }, { "postgres", "no signature" },
    };

    [Theory, MemberData(nameof(BadSignatures))]
    public async Task Inbound_BadSignature_Is401ProblemAndStoresNothing(string provider, string how)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var integration = await CreateIntegrationAsync(admin);
        var messageId = "bad-" + Unique.Id();
        var body = new { messageId, contactId = "c" + Unique.Id(), text = "transfer ¥100 to me" };
        var now = DateTimeOffset.UtcNow;
        var otherSecret = StandardWebhook.NewSecret(new byte[32]);

        var response = how switch
        {
            "tampered body" => await PostSignedAsync(app.Anonymous(), integration, integration.Secret!, body, tamper: json => json.Replace("transfer", "Transfer")),
            "stale timestamp" => await PostSignedAsync(app.Anonymous(), integration, integration.Secret!, body, signedAt: now.AddMinutes(-6)),
            "future timestamp" => await PostSignedAsync(app.Anonymous(), integration, integration.Secret!, body, signedAt: now.AddMinutes(6)),
            "wrong secret" => await PostSignedAsync(app.Anonymous(), integration, otherSecret, body),
            _ => await app.Anonymous().PostJsonAsync($"/api/v1/channels/api/{integration.Id}/messages", body),
        };

        var problem = await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid signature", problem.Title);
        Assert.Contains(how switch { "stale timestamp" => "old", "future timestamp" => "future", "no signature" => "required", _ => "does not match" }, problem.Detail);
        var stored = ApiContact(integration.Id, messageId);
        Assert.False(await app.DbAsync(db => db.Messages.AnyAsync(m => m.ClientMessageId == stored)));
    }

    private static string ApiContact(Guid integrationId, string messageId) => Kefu.Core.Channels.Api.ApiContact.StoredMessageId(integrationId, messageId);

    [Theory, MemberData(nameof(Providers))]
    public async Task Inbound_InvalidBody_Is400WithFieldErrors(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var integration = await CreateIntegrationAsync(admin);

        var problem = await PostSignedAsync(app.Anonymous(), integration, integration.Secret!,
            new { contactId = "", text = "x", attachments = new[] { new { fileName = "a.png", contentType = "image/png", size = 1, url = "javascript:alert(1)" } } })
            .ProblemAsync(HttpStatusCode.BadRequest);
        var malformed = await PostSignedAsync(app.Anonymous(), integration, integration.Secret!, "{\"messageId\": 5")
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("messageId", problem.Fields);
        Assert.Contains("contactId", problem.Fields);
        Assert.Contains("attachments[0].url", problem.Fields);
        Assert.Equal("Malformed JSON", malformed.Title);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task RoundTrip_AgentReply_IsDeliveredSignedToTheCallback_AndVerifies(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var integration = await CreateIntegrationAsync(admin, receiver.Url);
        var contact = "wa" + Unique.Id();
        var inbound = await PostSignedAsync(app.Anonymous(), integration, integration.Secret!, new { messageId = Unique.Id(), contactId = contact, text = "Where is order 42?" })
            .ReadAsync<InboundApiResult>(HttpStatusCode.Created);
        var agent = await app.CreateAgentAsync();

        await agent.Http.PostJsonAsync($"{Api.Conversations}/{inbound.ConversationId}/messages", new { kind = "note", text = "internal: check the warehouse" })
            .ExpectAsync(HttpStatusCode.Created);
        var reply = await agent.Http.PostJsonAsync($"{Api.Conversations}/{inbound.ConversationId}/messages", new { text = "它明天到 / It arrives tomorrow." })
            .ReadAsync<MessageDto>(HttpStatusCode.Created);

        var got = await receiver.WaitAsync(r => r.Body.Contains(reply.Id.ToString()));
        Assert.Equal(SignatureCheck.Valid, StandardWebhook.Verify([integration.Secret!], got.Id, got.Timestamp, got.Signature, got.Body, DateTimeOffset.UtcNow));
        Assert.Equal(SignatureCheck.Mismatch, StandardWebhook.Verify([integration.Secret!], got.Id, got.Timestamp, got.Signature, got.Body.Replace("明天", "后天"), DateTimeOffset.UtcNow));
        var json = got.Json;
        Assert.Equal("message.created", json.GetProperty("type").GetString());
        Assert.Equal(contact, json.GetProperty("data").GetProperty("contactId").GetString());
        Assert.Equal(inbound.ConversationId, json.GetProperty("data").GetProperty("conversationId").GetGuid());
        Assert.Equal("它明天到 / It arrives tomorrow.", json.GetProperty("data").GetProperty("message").GetProperty("text").GetString());
        // The note never leaves Kefu; the reply went out once.
        Assert.DoesNotContain(receiver.Received, r => r.Body.Contains("internal: check"));
        var log = await Wait.ForAsync(
            () => admin.Http.GetAsync($"/api/v1/webhook-deliveries?targetId={integration.Id}").ReadAsync<List<WebhookDeliveryDto>>(HttpStatusCode.OK),
            l => l.Count == 1 && l[0].Status == DeliveryStatus.Delivered);
        Assert.Equal(got.Id, log[0].WebhookId);
        Assert.Equal(200, log[0].LastStatusCode);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Reply_WithAttachment_TheIntegrationFetchesItBySignedLinkOnly(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var integration = await CreateIntegrationAsync(admin, receiver.Url);
        var inbound = await PostSignedAsync(app.Anonymous(), integration, integration.Secret!, new { messageId = Unique.Id(), contactId = "sms" + Unique.Id(), text = "发一下发票" })
            .ReadAsync<InboundApiResult>(HttpStatusCode.Created);
        var agent = await app.CreateAgentAsync();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent("发票内容 invoice"u8.ToArray());
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "invoice.txt");
        var uploaded = await (await agent.Http.PostAsync("/api/v1/files", form)).ReadAsync<JsonElement>(HttpStatusCode.OK);

        var reply = await agent.Http.PostJsonAsync($"{Api.Conversations}/{inbound.ConversationId}/messages", new { text = "发票见附件", attachments = new[] { uploaded } })
            .ReadAsync<MessageDto>(HttpStatusCode.Created);

        var got = await receiver.WaitAsync(r => r.Body.Contains(reply.Id.ToString()));
        var link = got.Json.GetProperty("data").GetProperty("message").GetProperty("attachments")[0].GetProperty("url").GetString()!;
        Assert.Contains("sig=", link);
        var anonymous = app.Anonymous();
        using var fetched = await anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal("发票内容 invoice", await fetched.Content.ReadAsStringAsync());
        await anonymous.GetAsync(link.Replace("sig=", "sig=x")).ProblemAsync(HttpStatusCode.Unauthorized);
        await anonymous.GetAsync(link[..link.IndexOf('?')]).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task RotateSecret_OldSecretVerifiesDuringGrace_ImmediateRotationRefusesIt(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var integration = await CreateIntegrationAsync(admin);
        var old = integration.Secret!;

        var rotated = await admin.Http.PostJsonAsync($"{Integrations}/{integration.Id}/rotate-secret", new { }).ReadAsync<IntegrationDto>(HttpStatusCode.OK);
        Assert.NotEqual(old, rotated.Secret);
        Assert.NotNull(rotated.PreviousSecretValidUntil);
        Assert.Null((await admin.Http.GetAsync($"{Integrations}/{integration.Id}").ReadAsync<IntegrationDto>(HttpStatusCode.OK)).Secret);
        await PostSignedAsync(app.Anonymous(), integration, old, new { messageId = Unique.Id(), contactId = "c" + Unique.Id(), text = "old secret" }).ExpectAsync(HttpStatusCode.Created);
        await PostSignedAsync(app.Anonymous(), integration, rotated.Secret!, new { messageId = Unique.Id(), contactId = "c" + Unique.Id(), text = "new secret" }).ExpectAsync(HttpStatusCode.Created);

        var replaced = await admin.Http.PostJsonAsync($"{Integrations}/{integration.Id}/rotate-secret", new { immediately = true }).ReadAsync<IntegrationDto>(HttpStatusCode.OK);
        await PostSignedAsync(app.Anonymous(), integration, rotated.Secret!, new { messageId = Unique.Id(), contactId = "c" + Unique.Id(), text = "x" }).ProblemAsync(HttpStatusCode.Unauthorized);
        await PostSignedAsync(app.Anonymous(), integration, replaced.Secret!, new { messageId = Unique.Id(), contactId = "c" + Unique.Id(), text = "y" }).ExpectAsync(HttpStatusCode.Created);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Integrations_AreAdminOnly_AndValidated(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();

        await agent.Http.GetAsync(Integrations).ExpectAsync(HttpStatusCode.Forbidden);
        var problem = await admin.Http.PostJsonAsync(Integrations, new { name = "", identitySource = "Bad Source", callbackUrl = "ftp://x" }).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("name", problem.Fields);
        Assert.Contains("identitySource", problem.Fields);
        Assert.Contains("callbackUrl", problem.Fields);
    }
}
