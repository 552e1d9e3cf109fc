using Kefu.Core.Automation;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Automation;

/// <summary>The input of one automation run: a conversation, what happened to it, and the message that did it.</summary>
public sealed record AutomationRun(Guid ConversationId, IReadOnlyList<AutomationTrigger> Triggers, Guid? MessageId, Guid? RuleId = null);

/// <summary>
/// Queues automation for a change, in the change's own transaction (a durable job, so rules run even if the node dies
/// right after the commit). Changes made by automation queue nothing: rules cannot trigger each other in a loop. When
/// no active rule listens for the triggers, nothing is queued at all (one indexed lookup).
/// </summary>
public static class AutomationOutbox
{
    public static async Task QueueAsync(
        KefuDbContext db, Actor actor, DateTimeOffset now, Guid conversationId, IReadOnlyList<AutomationTrigger> triggers, Guid? messageId, CancellationToken ct)
    {
        if (actor.Kind == ActorKind.Automation || triggers.Count == 0)
        {
            return;
        }

        var listening = await db.AutomationRules.AsNoTracking()
            .Where(r => r.IsActive && triggers.Contains(r.Trigger)).Select(r => r.Trigger).Distinct().ToListAsync(ct);
        if (listening.Count > 0)
        {
            JobQueue.Enqueue(db, AutomationJob.Kind, new AutomationRun(conversationId, listening, messageId), now, conversationId: conversationId);
        }
    }
}
