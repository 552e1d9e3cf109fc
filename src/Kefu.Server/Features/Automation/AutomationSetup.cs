using Kefu.Core.Automation;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Automation;

/// <summary>Section "Automation".</summary>
public sealed class AutomationOptions
{
    public const string Section = "Automation";

    /// <summary>How often time rules ("pending for 72 hours") are checked.</summary>
    public TimeSpan TimeRuleInterval { get; set; } = TimeSpan.FromMinutes(1);
}

public static class AutomationSetup
{
    public const string SeedMarker = "seed:automation";

    public static void AddKefuAutomation(this IServiceCollection services)
    {
        services.AddOptions<AutomationOptions>().BindConfiguration(AutomationOptions.Section).ValidateOnStart();
        services.AddJobHandler<AutomationJob>(AutomationJob.Kind);
        services.AddJobHandler<AutomationWebhookJob>(AutomationWebhookJob.Kind);
        services.AddHttpClient(AutomationWebhookJob.Kind, c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddHostedService<TimeRuleWorker>();
    }

    /// <summary>
    /// The rules Kefu ships with, written once (a marker row remembers it, so rules an admin deleted stay deleted):
    /// complaints become high priority, and VIP customers' new conversations go up a level.
    /// </summary>
    public static async Task SeedRulesAsync(KefuDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.Counters.AnyAsync(c => c.Name == SeedMarker, ct))
        {
            return;
        }

        var complaint = await db.Categories.Where(c => c.Key == "complaint").Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
        var notAbove = new Condition(ConditionField.Priority, ConditionOperator.AtMost, ["normal"]);
        var high = new RuleAction(ActionType.SetPriority, ["high"]);
        var rules = new List<Result<AutomationRule>>
        {
            AutomationRule.Create(Guid.CreateVersion7(now), "投诉优先处理 · Complaints are high priority",
                "A customer message that complains raises the conversation to high priority.", true, 10, AutomationTrigger.MessageReceived, MatchMode.All,
                [notAbove, new Condition(ConditionField.Text, ConditionOperator.Contains, ["投诉", "差评", "举报", "complaint", "complain"])], [high], now, "complaint-text"),
            AutomationRule.Create(Guid.CreateVersion7(now), "VIP 优先 · VIP customers go first",
                "A VIP customer's new conversation goes up one priority level.", true, 30, AutomationTrigger.ConversationCreated, MatchMode.All,
                [new Condition(ConditionField.Segment, ConditionOperator.Is, ["vip"])], [new RuleAction(ActionType.RaisePriority, [])], now, "vip-raise"),
        };
        if (complaint is { } id)
        {
            rules.Add(AutomationRule.Create(Guid.CreateVersion7(now), "投诉类别优先 · Complaint category is high priority",
                "Putting a conversation in the complaint category raises it to high priority.", true, 20, AutomationTrigger.ConversationUpdated, MatchMode.All,
                [notAbove, new Condition(ConditionField.Category, ConditionOperator.Is, [id.ToString()])], [high], now, "complaint-category"));
        }

        db.AutomationRules.AddRange(rules.Select(r => r.IsOk ? r.Value : throw new InvalidOperationException($"A shipped rule is invalid: {r.Error}")));
        db.Counters.Add(new Counter { Name = SeedMarker, Value = 1 });
        await db.SaveChangesAsync(ct);
    }
}
