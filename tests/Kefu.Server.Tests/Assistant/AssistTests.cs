using Kefu.Core.Knowledge;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Assistant;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Assistant;

public sealed class AssistTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Automation_SentimentAndSuggestedCategoryConditions_MatchTheCustomersMessage(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        await admin.WaitForModelsAsync();
        var token = Api.Tag();
        var complaint = await app.DbAsync(x => x.Categories.Where(c => c.Key == "complaint").Select(c => c.Id).SingleAsync());
        var rule = await admin.Http.PostJsonAsync("/api/v1/automation/rules", new
        {
            name = "angry " + token,
            trigger = "message_received",
            conditions = new object[]
            {
                new { field = "text", @operator = "contains", values = new[] { token } },
                new { field = "sentiment", @operator = "at_most", values = new[] { "-0.3" } },
                new { field = "suggested_category", @operator = "is", values = new[] { complaint.ToString() } },
            },
            actions = new object[] { new { type = "add_tags", values = new[] { "angry-" + token } } },
        }).ReadAsync<JsonElement>(HttpStatusCode.Created);
        var invalid = await admin.Http.PostJsonAsync("/api/v1/automation/rules", new
        {
            name = "bad " + token,
            trigger = "message_received",
            conditions = new object[] { new { field = "sentiment", @operator = "is", values = new[] { "-2" } } },
            actions = new object[] { new { type = "add_tags", values = new[] { "x" } } },
        }).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("conditions[0].operator", invalid.Fields);

        try
        {
            var calm = await admin.Http.CreateConversationAsync(Api.NewConversation(text: $"请问 {token} 这款有红色吗？谢谢", channel: Channel.Email));
            var angry = await admin.Http.CreateConversationAsync(Api.NewConversation(text: $"{token} 你们的服务太差了，我要投诉，太失望了！", channel: Channel.Email));
            await admin.EventuallyAsync(angry.Conversation.Id, d => d.Conversation.Tags.Contains("angry-" + token), "the rule's tag");
            await admin.EventuallyAsync(calm.Conversation.Id, d => d.Messages[0].Insight is not null, "the calm message's reading");
            Assert.DoesNotContain("angry-" + token, (await admin.Http.GetConversationAsync(calm.Conversation.Id)).Conversation.Tags);
        }
        finally
        {
            await admin.Http.DeleteAsync($"/api/v1/automation/rules/{rule.GetProperty("id").GetGuid()}");
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Assist_SuggestsTheFaqForTheLatestQuestion_UsingItTeachesTheBot(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var u = Unique.Id();
        var faq = await admin.PublishFaqAsync("zh-CN", $"保修{u}期是多久？", [$"保修{u}多长时间", $"保修{u}几年"], $"整机保修{u}一年。");
        await admin.WaitForModelsAsync();
        var created = await admin.Http.CreateConversationAsync(Api.NewConversation(text: $"你好，保修{u}一般多久？", channel: Channel.Email));

        var assist = await admin.Http.GetAsync($"/api/v1/conversations/{created.Conversation.Id}/assist").ReadAsync<AssistResult>(HttpStatusCode.OK);
        Assert.Equal($"你好，保修{u}一般多久？", assist.Question);
        var best = assist.Suggestions[0];
        Assert.Equal((faq.Key, KbItemKind.Faq, faq.Answer, "zh-CN"), (best.Id, best.Kind, best.Answer, best.Language));

        await admin.Http.PostJsonAsync($"/api/v1/conversations/{created.Conversation.Id}/assist/used", new { id = faq.Key }).ExpectAsync(HttpStatusCode.NoContent);
        await admin.Http.PostJsonAsync($"/api/v1/conversations/{created.Conversation.Id}/assist/used", new { id = faq.Key }).ExpectAsync(HttpStatusCode.NoContent);
        Assert.Equal(1, await app.DbAsync(x => x.FaqExamples.CountAsync(e => e.FaqKey == faq.Key && e.Text == $"你好，保修{u}一般多久？")));
        (await admin.Http.PostJsonAsync($"/api/v1/conversations/{created.Conversation.Id}/assist/used", new { id = "nope" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("id");
        await admin.Http.GetAsync($"/api/v1/conversations/{Guid.NewGuid()}/assist").ProblemAsync(HttpStatusCode.NotFound);
    }
}
