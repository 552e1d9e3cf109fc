using Kefu.Core.Automation;
using Kefu.Core.Sla;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Automation;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Sla;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Kefu.Server.Tests.Sla;

/// <summary>SLA events drive automation: rules on SlaWarning / SlaBreached, and the escalation action "run a rule".</summary>
public sealed class SlaAutomationTests(Apps apps) : ServerTest(apps)
{
    private const string Rules = "/api/v1/automation/rules";

    [Theory, MemberData(nameof(Providers))]
    public async Task Worker_WarningBreachAndRunRule_QueueAutomationThatActs(string db)
    {
        var app = await FakeClockAppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();
        var category = await SlaApiTests.NewCategoryAsync(admin);
        await CreateRuleAsync(admin, AutomationTrigger.SlaWarning, tag, new RuleAction(ActionType.AddTags, ["warned-" + tag]));
        await CreateRuleAsync(admin, AutomationTrigger.SlaBreached, tag, new RuleAction(ActionType.AddNote, [], "SLA 已超时 " + tag));
        // Listens for status changes, which this test never makes: only the escalation can run it.
        var escalationRule = await CreateRuleAsync(admin, AutomationTrigger.StatusChanged, tag, new RuleAction(ActionType.AddTags, ["escalated-" + tag]));
        await admin.Http.PostJsonAsync(SlaApiTests.Policies, new
        {
            name = "Automation policy " + Unique.Id(),
            position = 0,
            categoryIds = new[] { category },
            targets = new { firstResponseMinutes = 10 },
            escalations = new object[] { new { afterBreachMinutes = 0, actions = new[] { new { kind = "run_rule", ruleId = escalationRule.Id } } } },
        }).ReadAsync<SlaPolicyDto>(HttpStatusCode.Created);
        var conversation = (await agent.Http.CreateConversationAsync(Api.NewConversation(categoryId: category, tags: [tag], assigneeId: agent.Id))).Conversation;

        Assert.Equal(1, await RunAsync(app, 8, conversation.Id));                      // the warning at 80%
        await WaitForAsync(agent, conversation.Id, c => c.Tags.Contains("warned-" + tag));
        Assert.DoesNotContain("escalated-" + tag, (await agent.Http.GetConversationAsync(conversation.Id)).Conversation.Tags);

        Assert.Equal(2, await RunAsync(app, 2, conversation.Id));                      // breach and the escalation
        var after = await WaitForAsync(agent, conversation.Id, c => c.Tags.Contains("escalated-" + tag));
        await Eventually.TrueAsync(async () => (await agent.Http.GetConversationAsync(conversation.Id)).Messages.Any(m => m.Kind == MessageKind.Note && m.Text == "SLA 已超时 " + tag), "the breach rule's note");
        Assert.Contains("warned-" + tag, after.Tags);

        // One run per SLA event that a rule listens for, plus the escalation's: each queued once.
        var runs = await app.DbAsync(d => d.Jobs.AsNoTracking().Where(j => j.Kind == AutomationJob.Kind && j.ConversationId == conversation.Id).ToListAsync());
        var payloads = runs.Select(j => System.Text.Json.JsonSerializer.Deserialize<AutomationRun>(j.Payload, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!).ToList();
        Assert.Single(payloads, p => p.Triggers.Contains(AutomationTrigger.SlaWarning));
        Assert.Single(payloads, p => p.Triggers.Contains(AutomationTrigger.SlaBreached));
        Assert.Single(payloads, p => p.RuleId == escalationRule.Id);
        Assert.Equal(0, await RunAsync(app, 1, conversation.Id));                      // nothing twice
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task CreatePolicy_RunRuleWithUnknownRule_FieldError(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var problem = await admin.Http.PostJsonAsync(SlaApiTests.Policies, new
        {
            name = "Bad rule " + Unique.Id(),
            targets = new { firstResponseMinutes = 10 },
            escalations = new object[] { new { afterBreachMinutes = 0, actions = new[] { new { kind = "run_rule", ruleId = Guid.NewGuid() } } } },
        }).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("escalations[0].actions[0].ruleId", problem.Fields);
    }

    private static Task<RuleDto> CreateRuleAsync(Caller admin, AutomationTrigger trigger, string tag, params RuleAction[] actions) =>
        admin.Http.PostJsonAsync(Rules, new RuleRequest("sla rule " + Unique.Id(), null, true, 0, trigger, MatchMode.All,
            [new Condition(ConditionField.Tags, ConditionOperator.Contains, [tag])], actions)).ReadAsync<RuleDto>(HttpStatusCode.Created);

    /// <summary>
    /// Moves the clock, runs the worker and returns the events it recorded for this test's conversation (other tests on
    /// the same fake-clock server leave conversations whose deadlines pass too: the worker's total counts theirs).
    /// </summary>
    private static async Task<int> RunAsync(KefuApp app, int minutes, Guid conversationId)
    {
        var before = await app.DbAsync(d => d.SlaEvents.CountAsync(e => e.ConversationId == conversationId));
        app.Clock!.Advance(TimeSpan.FromMinutes(minutes));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await SlaWorker.RunOnceAsync(scope.ServiceProvider, app.Clock.GetUtcNow(), 200, CancellationToken.None);
        }

        return await app.DbAsync(d => d.SlaEvents.CountAsync(e => e.ConversationId == conversationId)) - before;
    }

    private static Task<ConversationDto> WaitForAsync(Caller caller, Guid id, Func<ConversationDto, bool> condition) =>
        Eventually.GetAsync(async () => (await caller.Http.GetConversationAsync(id)).Conversation is var c && condition(c) ? c : null, "the rule's change");
}
