using Kefu.Core.Agents;
using Kefu.Core.Automation;
using Kefu.Core.Common;
using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Kefu.Data;
using Kefu.Server.Features.Automation;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.Server.Tests.Automation;

/// <summary>
/// Rules are global, so every rule here is narrowed by a condition on this test's own token (a tag or a word), and
/// cannot touch other tests' conversations.
/// </summary>
public sealed class AutomationRuleTests(Apps apps) : ServerTest(apps)
{
    private const string Rules = "/api/v1/automation/rules";

    [Theory, MemberData(nameof(Providers))]
    public async Task Create_Valid_IsListedAndReadable(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var token = Api.Tag();

        var rule = await admin.Http.PostJsonAsync(Rules, new
        {
            name = "退款加急 " + token,
            trigger = "message_received",
            conditions = new[] { new { field = "text", @operator = "contains", values = new[] { token } } },
            actions = new object[] { new { type = "set_priority", values = new[] { "urgent" } }, new { type = "add_tags", values = new[] { "Refund" } } },
        }).ReadAsync<RuleDto>(HttpStatusCode.Created);

        Assert.True(rule.IsActive);
        Assert.Equal(MatchMode.All, rule.Match);
        Assert.Equal(["refund"], rule.Actions[1].Values);
        Assert.Contains(await admin.Http.GetAsync(Rules).ReadAsync<List<RuleDto>>(HttpStatusCode.OK), r => r.Id == rule.Id);
        Assert.Equal(rule.Name, (await admin.Http.GetAsync($"{Rules}/{rule.Id}").ReadAsync<RuleDto>(HttpStatusCode.OK)).Name);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Create_Invalid_FieldErrorsAndNothingWritten(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var name = "bad " + Unique.Id();

        var problem = await admin.Http.PostJsonAsync(Rules, new
        {
            name,
            trigger = "message_received",
            conditions = new[] { new { field = "channel", @operator = "contains", values = new[] { "chat" } } },
            actions = new object[] { new { type = "assign_team", values = new[] { Guid.NewGuid().ToString() } }, new { type = "add_note", values = Array.Empty<string>() } },
        }).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("conditions[0].operator", problem.Fields);
        Assert.Contains("nothing has the id", problem.Field("actions[0].values")[0]);
        Assert.Contains("actions[1].text", problem.Fields);
        Assert.False(await app.DbAsync(db => db.AutomationRules.AnyAsync(r => r.Name == name)));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Create_UnknownTrigger_IsABadRequestProblem(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();

        await admin.Http.PostJsonAsync(Rules, new { name = "x", trigger = "sometimes", actions = new[] { new { type = "raise_priority" } } })
            .ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Rules_Agent_IsForbidden(string provider)
    {
        var app = await AppAsync(provider);
        var agent = await app.CreateAgentAsync(AgentRole.Supervisor);

        await agent.Http.GetAsync(Rules).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ReplaceAndDelete_ChangeTheRule(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var rule = await CreateRuleAsync(admin, AutomationTrigger.MessageReceived, TagCondition(Api.Tag()), new RuleAction(ActionType.RaisePriority, []));

        var replaced = await admin.Http.PutAsync($"{Rules}/{rule.Id}", Http.Body(new
        {
            name = "renamed", isActive = false, trigger = "conversation_created",
            actions = new[] { new { type = "set_status", values = new[] { "pending" } } },
        })).ReadAsync<RuleDto>(HttpStatusCode.OK);
        using var deleted = await admin.Http.DeleteAsync($"{Rules}/{rule.Id}");

        Assert.False(replaced.IsActive);
        Assert.Equal(AutomationTrigger.ConversationCreated, replaced.Trigger);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await admin.Http.GetAsync($"{Rules}/{rule.Id}").ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task MessageReceived_MatchingText_RuleChangesTheConversationAsItself(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var word = "退款" + Unique.Id();
        var rule = await CreateRuleAsync(admin, AutomationTrigger.MessageReceived,
            new Condition(ConditionField.Text, ConditionOperator.Contains, [word]),
            new RuleAction(ActionType.SetPriority, ["urgent"]), new RuleAction(ActionType.AddTags, ["refund"]));

        var created = (await agent.Http.CreateConversationAsync(Api.NewConversation(text: $"我要{word}，订单 1234"))).Conversation;

        var changed = await WaitForAsync(agent, created.Id, c => c.Priority == Priority.Urgent);
        Assert.Contains("refund", changed.Tags);
        var trail = await agent.Http.ActivityAsync($"{Api.Conversations}/{created.Id}/activity");
        var byRule = Assert.Single(trail, a => a.Field == "priority");
        Assert.Equal(ActorKind.Automation, byRule.ActorKind);
        Assert.Equal(rule.Name, byRule.ActorName);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ConversationUpdated_RulesOwnChange_DoesNotTriggerItAgain(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var rule = await CreateRuleAsync(admin, AutomationTrigger.ConversationUpdated, TagCondition(tag),
            new RuleAction(ActionType.AddTags, ["checked-" + tag]), new RuleAction(ActionType.AddNote, [], "自动检查 " + tag));
        var created = (await agent.Http.CreateConversationAsync()).Conversation;
        var before = DateTimeOffset.UtcNow.AddMilliseconds(-1);

        await agent.Http.PatchConversationAsync(created.Id, new { tags = new[] { tag } });

        await WaitForAsync(agent, created.Id, c => c.Tags.Contains("checked-" + tag));
        await Task.Delay(1_000);
        var detail = await agent.Http.GetConversationAsync(created.Id);
        var note = Assert.Single(detail.Messages, m => m.Kind == MessageKind.Note);
        Assert.Equal(AuthorKind.System, note.AuthorKind);
        // The agent's change queued one run; the rule's own change queued none.
        var runs = await app.DbAsync(db => db.Jobs.AsNoTracking().Where(j => j.Kind == AutomationJob.Kind && j.ConversationId == created.Id).ToListAsync());
        Assert.Single(runs, j => j.CreatedAt >= before);
        Assert.Contains(rule.Name, (await agent.Http.ActivityAsync($"{Api.Conversations}/{created.Id}/activity")).Select(a => a.ActorName));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task MessageReceived_SendCannedReply_PostsItWithVariablesFilledOnce(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var word = "营业时间" + Unique.Id();
        var cannedId = await app.DbAsync(async db =>
        {
            var canned = CannedResponse.Create(Guid.NewGuid(), "hours" + Unique.Id(), "营业时间", "{{customer.name}}您好，我们的营业时间是 9:00–18:00（{{conversation.number}}）。", null, null, DateTimeOffset.UtcNow).Value;
            db.CannedResponses.Add(canned);
            await db.SaveChangesAsync();
            return canned.Id;
        });
        await CreateRuleAsync(admin, AutomationTrigger.MessageReceived, new Condition(ConditionField.Text, ConditionOperator.Contains, [word]),
            new RuleAction(ActionType.SendCannedReply, [cannedId.ToString()]));

        var created = (await agent.Http.CreateConversationAsync(Api.NewConversation(text: $"请问{word}？", customerName: "张伟"))).Conversation;

        var reply = await WaitForMessageAsync(agent, created.Id, m => m.Kind == MessageKind.Outbound);
        Assert.Equal($"张伟您好，我们的营业时间是 9:00–18:00（{created.Display}）。", reply.Text);
        Assert.Equal(AuthorKind.System, reply.AuthorKind);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Notify_Assignee_GetsAnAutomationNotification(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        await CreateRuleAsync(admin, AutomationTrigger.ConversationCreated, TagCondition(tag), new RuleAction(ActionType.Notify, ["assignee"], "VIP 来了"));

        var created = (await admin.Http.CreateConversationAsync(Api.NewConversation(tags: [tag], assigneeId: agent.Id))).Conversation;

        var notification = await WaitForAsync(app, db => db.Notifications.AsNoTracking()
            .FirstOrDefaultAsync(n => n.AgentId == agent.Id && n.ConversationId == created.Id && n.Kind == NotificationKind.Automation));
        Assert.Equal("VIP 来了", notification.Preview);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task TimeRule_PendingLongEnough_FiresOncePerState(string provider)
    {
        // On the fake clock: three days pass in an instant.
        var app = await FakeClockAppAsync(provider);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        await CreateRuleAsync(admin, AutomationTrigger.Time,
            [new Condition(ConditionField.Status, ConditionOperator.Is, ["pending"]), new Condition(ConditionField.HoursInStatus, ConditionOperator.AtLeast, ["72"]), TagCondition(tag)],
            [new RuleAction(ActionType.AddNote, [], "三天未回复，已提醒客户"), new RuleAction(ActionType.SetStatus, ["resolved"])]);
        var created = (await agent.Http.CreateConversationAsync(tag)).Conversation;
        await agent.Http.PatchConversationAsync(created.Id, new { status = "pending" });
        var worker = ActivatorUtilities.CreateInstance<TimeRuleWorker>(app.Services);

        app.Clock!.Advance(TimeSpan.FromHours(71));
        await worker.TickAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.Equal(ConversationStatus.Pending, (await agent.Http.GetConversationAsync(created.Id)).Conversation.Status);

        app.Clock.Advance(TimeSpan.FromHours(2));
        await worker.TickAsync(CancellationToken.None);
        await worker.TickAsync(CancellationToken.None);

        var resolved = await WaitForAsync(agent, created.Id, c => c.Status == ConversationStatus.Resolved);
        Assert.NotNull(resolved.ResolvedAt);
        var detail = await agent.Http.GetConversationAsync(created.Id);
        Assert.Single(detail.Messages, m => m.Kind == MessageKind.Note);
        Assert.Equal(1, await app.DbAsync(db => db.AutomationFirings.CountAsync(f => f.ConversationId == created.Id)));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ShippedRule_ComplaintInAMessage_RaisesToHigh(string provider)
    {
        var app = await AppAsync(provider);
        var agent = await app.CreateAgentAsync();

        var created = (await agent.Http.CreateConversationAsync(Api.NewConversation(text: "快递三天没动了，我要投诉！"))).Conversation;

        var high = await WaitForAsync(agent, created.Id, c => c.Priority == Priority.High);
        Assert.Equal(Priority.High, high.Priority);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task ShippedRule_VipCustomer_NewConversationGoesUpALevel(string provider)
    {
        var app = await AppAsync(provider);
        var agent = await app.CreateAgentAsync();
        var email = Api.Email("vip");
        var customer = await agent.Http.PostJsonAsync(Api.Customers, new { name = "VIP 客户", tags = new[] { "vip" }, identities = new[] { new { kind = "email", value = email } } })
            .ReadAsync<JsonElement>(HttpStatusCode.Created);

        var created = (await agent.Http.CreateConversationAsync(Api.NewConversation(customerId: customer.GetProperty("id").GetGuid()))).Conversation;

        await WaitForAsync(agent, created.Id, c => c.Priority == Priority.High);
    }

    private static Condition TagCondition(string tag) => new(ConditionField.Tags, ConditionOperator.Contains, [tag]);

    private static Task<RuleDto> CreateRuleAsync(Caller admin, AutomationTrigger trigger, Condition condition, params RuleAction[] actions) =>
        CreateRuleAsync(admin, trigger, [condition], actions);

    private static Task<RuleDto> CreateRuleAsync(Caller admin, AutomationTrigger trigger, Condition[] conditions, RuleAction[] actions) =>
        admin.Http.PostJsonAsync(Rules, new RuleRequest("rule " + Unique.Id(), null, true, 0, trigger, MatchMode.All, conditions, actions))
            .ReadAsync<RuleDto>(HttpStatusCode.Created);

    private static async Task<ConversationDto> WaitForAsync(Caller caller, Guid id, Func<ConversationDto, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var conversation = (await caller.Http.GetConversationAsync(id)).Conversation;
            if (condition(conversation))
            {
                return conversation;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The rule did not change the conversation within 15 s: {conversation}");
            await Task.Delay(50);
        }
    }

    private static async Task<MessageDto> WaitForMessageAsync(Caller caller, Guid id, Func<MessageDto, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if ((await caller.Http.GetConversationAsync(id)).Messages.FirstOrDefault(condition) is { } message)
            {
                return message;
            }

            Assert.True(DateTime.UtcNow < deadline, "The rule did not post the message within 15 s.");
            await Task.Delay(50);
        }
    }

    private static async Task<T> WaitForAsync<T>(KefuApp app, Func<KefuDbContext, Task<T?>> query)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            if (await app.DbAsync(query) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "Nothing appeared within 15 s.");
            await Task.Delay(50);
        }
    }
}
