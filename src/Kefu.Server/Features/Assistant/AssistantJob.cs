using System.Globalization;
using Kefu.Core.Bot;
using Kefu.Core.Bot.Flows;
using Kefu.Core.Common;
using Kefu.Core.Knowledge;
using Kefu.Core.Sla;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.BotFlows;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Knowledge;
using Kefu.Server.Jobs;
using Kefu.Server.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Assistant;

/// <summary>
/// The assistant's work on one customer message, on any channel: stores the category suggestion and sentiment on the
/// message; then, when the conversation is a chat the bot is handling, runs one bot round — answer, suggest the top 3,
/// say it does not know, or hand off to a person (a note for agents with intent, sentiment and reason; the chat then
/// waits in the queue as usual). Bot messages carry client ids derived from the customer's message, so a retry never
/// posts twice; the bot's session remembers the last message it handled. A bot flow in progress (order status …)
/// takes the customer's answer instead, unless the customer's own signals hand off first.
/// </summary>
public sealed class AssistantJob(
    KefuDbContext db, AssistantModels models, RealtimePublisher realtime, TimeProvider clock, IOptions<AssistantOptions> options, FlowLookup lookup,
    Llm.LlmGateway llm, ILogger<AssistantJob> log) : IJobHandler
{
    public const string Kind = "assistant.message";

    /// <summary>A flow left unanswered this long is dropped: the next message is a new question.</summary>
    public static readonly TimeSpan FlowIdle = TimeSpan.FromMinutes(30);

    public static readonly Actor Bot = new(ActorKind.Bot, null, "bot");

    private static readonly SemaphoreSlim[] Locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<JobOutcome> RunAsync(Job job, CancellationToken ct)
    {
        var work = job.PayloadAs<AssistantOutbox.Work>();
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == work.MessageId, ct);
        if (message is null || message.Kind != MessageKind.Inbound)
        {
            return JobOutcome.Done;
        }

        var snapshot = await models.WaitAsync(TimeSpan.FromSeconds(30), ct);
        if (snapshot is null)
        {
            return JobOutcome.Retry("The assistant's models are not built yet.");
        }

        var reading = snapshot.Read(message.Text, options.Value.MinCategoryConfidence);
        if (message.SentimentLabel is null)
        {
            await db.Messages.Where(m => m.Id == message.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.SuggestedCategoryId, reading.CategoryId)
                .SetProperty(m => m.CategoryConfidence, reading.CategoryConfidence)
                .SetProperty(m => m.Sentiment, reading.Sentiment)
                .SetProperty(m => m.SentimentLabel, reading.SentimentLabel), ct);
            await realtime.PublishAsync(new MessageAnalysed(message.ConversationId, message.Id,
                new MessageInsight(reading.CategoryId, reading.CategoryConfidence, reading.Sentiment, reading.SentimentLabel)));
        }

        var gate = Locks[(int)((uint)message.ConversationId.GetHashCode() % Locks.Length)];
        await gate.WaitAsync(ct);
        try
        {
            return await BotRoundAsync(snapshot, message, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another node handled a message of this chat at the same moment: take this one again on fresh state.
            return JobOutcome.Retry("The bot's session changed meanwhile.");
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task OnFailedAsync(Job job, string error, CancellationToken ct)
    {
        // A bot that cannot run must not keep the customer from a person.
        var work = job.PayloadAs<AssistantOutbox.Work>();
        db.ChangeTracker.Clear();
        var conversationId = await db.Messages.AsNoTracking().Where(m => m.Id == work.MessageId).Select(m => (Guid?)m.ConversationId).FirstOrDefaultAsync(ct);
        if (conversationId is { } id && await db.BotSessions.FirstOrDefaultAsync(s => s.ConversationId == id, ct) is { State: BotState.Active } session)
        {
            session.HandOffAfterError(clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            await realtime.PublishAsync(new QueueChanged(session.InboxId));
        }
    }

    private async Task<JobOutcome> BotRoundAsync(AssistantSnapshot snapshot, Message message, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var session = await db.BotSessions.FirstOrDefaultAsync(s => s.ConversationId == message.ConversationId, ct);
        if (session is not { State: BotState.Active } || session.LastMessageId == message.Id)
        {
            return JobOutcome.Done;
        }

        var now = clock.GetUtcNow();
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == message.ConversationId, ct);
        if (conversation is null || conversation.MergedIntoId is not null || conversation.Status is ConversationStatus.Closed or ConversationStatus.Resolved)
        {
            return JobOutcome.Done;
        }

        if (conversation.FirstResponseAt is not null || conversation.AssigneeId is not null)
        {
            // A person took over: the bot steps back without a word.
            session.Stop(now);
            await db.SaveChangesAsync(ct);
            return JobOutcome.Done;
        }

        var settings = await db.BotSettings.AsNoTracking().FirstOrDefaultAsync(s => s.InboxId == session.InboxId, ct) ?? BotSettings.Defaults(session.InboxId);
        if (!settings.Enabled)
        {
            session.Stop(now);
            await db.SaveChangesAsync(ct);
            await realtime.PublishAsync(new QueueChanged(session.InboxId));
            return JobOutcome.Done;
        }

        var tags = await db.Customers.AsNoTracking().Where(c => c.Id == conversation.CustomerId).Select(c => c.Tags).FirstOrDefaultAsync(ct) ?? [];
        var vip = CustomerSegments.Of(tags, false) == CustomerSegment.Vip;
        var eval = BotEngine.Evaluate(snapshot, settings, message.Text, session.Language, session.FailedRounds, vip, session.Suggestions, options.Value.MinCategoryConfidence);
        var language = eval.Language;
        var first = session.Turns == 0;

        var step = 0;
        async Task SayAsync(MessageKind kind, string text, IReadOnlyList<string>? quickReplies = null)
        {
            db.ChangeTracker.Clear();
            // A millisecond apart: the greeting, answer and note read in the order they were said.
            var at = now.AddMilliseconds(step);
            var added = await ConversationCommands.AddMessageAsync(db, Bot, at, conversation.Id,
                new NewMessage(kind, text, null, $"bot:{message.Id:N}:{step++}", null), ct);
            if (!added.IsOk)
            {
                log.LogWarning("The bot could not write to conversation {Conversation}: {Error}", conversation.Id, added.Error);
                return;
            }

            var dto = added.Value.Message;
            if (quickReplies is { Count: > 0 })
            {
                await db.Messages.Where(m => m.Id == dto.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.QuickReplies, quickReplies.ToList()), ct);
                dto = dto with { QuickReplies = quickReplies };
            }

            if (added.Value.Created)
            {
                await realtime.MessageCreatedAsync(added.Value.Conversation, dto);
            }
        }

        // Flows: a run in progress takes the answer; else a trigger phrase (or the FAQ entry a flow is attached to)
        // starts one. The customer's own signals (转人工, anger, VIP, a large amount) hand off first, as always.
        if (!HandoffPolicy.Decide(settings.Rules, eval.Signals with { FailedRounds = 0 }).HandOff
            && await FlowTurnAsync(session, eval, message.Text, now, ct) is { } flowStart)
        {
            var round = await FlowRounds.CompleteAsync(flowStart.Flow, flowStart.Turn, lookup, clock, ct);
            var turn = round.Turn;
            var flowLanguage = flowStart.Turn.Run?.Language ?? session.Flow?.Language ?? language;
            if (first)
            {
                await SayAsync(MessageKind.Outbound, settings.Greeting(flowLanguage));
            }

            foreach (var reply in turn.Replies.Where(r => r.Length > 0))
            {
                await SayAsync(MessageKind.Outbound, reply);
            }

            if (turn.Status == FlowStatus.Cancelled)
            {
                await SayAsync(MessageKind.Outbound, FlowRounds.Cancelled(flowLanguage));
            }
            else if (turn.Status == FlowStatus.HandOff)
            {
                var reason = turn.Handoff ?? HandoffReason.FlowFailed;
                await SayAsync(MessageKind.Outbound, turn.HandoffMessage ?? BotReplies.Handoff(reason, flowLanguage));
                await SayAsync(MessageKind.Note, FlowHandoffNote(eval, reason, turn, round.Lookups, session.Turns + 1));
            }

            db.ChangeTracker.Clear();
            db.BotSessions.Attach(session);
            session.RecordFlow(message.Id, turn, now);
            await db.SaveChangesAsync(ct);
            if (turn.Status == FlowStatus.HandOff)
            {
                await HandOffAsync(conversation, session, new HandoffDecision([turn.Handoff ?? HandoffReason.FlowFailed]), now, ct);
            }

            return JobOutcome.Done;
        }

        // The optional language model answers from the knowledge base (with sources) where the bot would only suggest or
        // say it does not know; never when a handoff rule fired. No answer, an error or a timeout: the classic reply.
        var grounded = eval.Turn.Action is BotAction.Suggest or BotAction.DontKnow
            ? await Llm.LlmCommands.GroundedReplyAsync(db, llm, snapshot.Knowledge(language), settings.Thresholds, message.Text, language, log, ct)
            : null;
        if (grounded is not null)
        {
            eval = eval with { Turn = eval.Turn with { Action = BotAction.Answer, FailedRounds = 0 } };
        }

        switch (eval.Turn.Action)
        {
            case BotAction.Answer:
                if (first)
                {
                    await SayAsync(MessageKind.Outbound, settings.Greeting(language));
                }

                await SayAsync(MessageKind.Outbound, grounded ?? BotReplies.Answer(eval.Picked ?? eval.Candidates[0].Item, language));
                break;
            case BotAction.Suggest:
                if (first)
                {
                    await SayAsync(MessageKind.Outbound, settings.Greeting(language));
                }

                var offered = eval.Candidates.Take(3).Select(c => c.Item).ToList();
                await SayAsync(MessageKind.Outbound, BotReplies.Suggest(offered, language), [.. offered.Select(i => i.Question), BotReplies.TalkToPerson(language)]);
                break;
            case BotAction.DontKnow:
                await KnowledgeCommands.RecordGapAsync(db, GapSource.Bot, language, message.Text, now, ct);
                await SayAsync(MessageKind.Outbound, BotReplies.DontKnow(language), [BotReplies.TalkToPerson(language)]);
                break;
            case BotAction.Handoff:
                if (eval.Turn.Handoff.Reason == HandoffReason.BotFailed)
                {
                    await KnowledgeCommands.RecordGapAsync(db, GapSource.Bot, language, message.Text, now, ct);
                }

                await SayAsync(MessageKind.Outbound, BotReplies.Handoff(eval.Turn.Handoff.Reason, language));
                await SayAsync(MessageKind.Note, HandoffNote(eval, session.Turns + 1, eval.Turn.FailedRounds, await CategoryNameAsync(eval.Reading.CategoryId, ct))
                    + await Llm.LlmCommands.HandoffSummaryAsync(db, llm, conversation.Id, language, ct));
                break;
        }

        // Remembered after the replies: a retry after a crash decides the same and finds its replies already posted.
        db.ChangeTracker.Clear();
        db.BotSessions.Attach(session);
        session.Record(message.Id, eval.Turn, now);
        await db.SaveChangesAsync(ct);
        if (eval.Turn.Action == BotAction.Handoff)
        {
            await HandOffAsync(conversation, session, eval.Turn.Handoff, now, ct);
        }

        return JobOutcome.Done;
    }

    /// <summary>Tags the conversation, raises its priority for emotion, VIP and large amounts, and puts it in the queue.</summary>
    private async Task HandOffAsync(Conversation conversation, BotSession session, HandoffDecision decision, DateTimeOffset now, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var urgent = decision.Reasons.Any(r => r is HandoffReason.NegativeEmotion or HandoffReason.HighAmount or HandoffReason.Vip);
        var current = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == conversation.Id, ct);
        var patch = new ConversationPatch(
            Tags: new Optional<IReadOnlyList<string>>(true, current.Tags.Append("bot_handoff").ToList()),
            Priority: urgent && current.Priority < Priority.High ? new Optional<Priority>(true, Priority.High) : default);
        var updated = await ConversationCommands.UpdateAsync(db, Bot, now, conversation.Id, null, patch, ct);
        if (updated.IsOk)
        {
            await realtime.ConversationChangedAsync(updated.Value);
        }

        await realtime.PublishAsync(new QueueChanged(session.InboxId));
    }

    /// <summary>The flow's turn for this message: the answer to the run in progress, or a flow the message starts; null when no flow applies.</summary>
    private async Task<(BotFlow Flow, FlowTurn Turn)?> FlowTurnAsync(BotSession session, BotEvaluation eval, string text, DateTimeOffset now, CancellationToken ct)
    {
        var flows = await db.BotFlows.AsNoTracking().Where(f => f.Enabled).ToListAsync(ct);
        if (session.Flow is { } run && now - run.UpdatedAt < FlowIdle
            && flows.FirstOrDefault(f => f.Id == run.FlowId && f.AppliesTo(session.InboxId)) is { } current
            && FlowMachine.Answer(current, run, text, now) is { Status: not FlowStatus.Abandoned } answered)
        {
            return (current, answered);
        }

        // A run whose flow was disabled, deleted or changed, or left idle, is dropped (the round records no run).
        var started = FlowTriggers.Match(flows, session.InboxId, text, eval.Language)
            ?? (eval.Picked is { } faq ? FlowTriggers.ForFaq(flows, session.InboxId, faq.Id) : null);
        return started is null ? null : (started, FlowMachine.Start(started, eval.Language, now));
    }

    private static string FlowHandoffNote(BotEvaluation eval, HandoffReason reason, FlowTurn turn, IReadOnlyList<LookupCall> lookups, int rounds)
    {
        var inv = CultureInfo.InvariantCulture;
        return string.Join("\n",
            "🤖 Bot handoff · 机器人转人工",
            "Reason · 原因: " + BotReplies.ReasonName(reason),
            FlowRounds.NoteLines(turn.Run, turn, lookups),
            $"Sentiment · 情绪: {eval.Reading.SentimentLabel} ({eval.Reading.Sentiment.ToString("+0.00;-0.00;0.00", inv)})",
            $"Bot rounds · 机器人轮次: {rounds}; the transcript is above · 对话记录见上方.");
    }

    private static string HandoffNote(BotEvaluation eval, int rounds, int failed, string? category)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            "🤖 Bot handoff · 机器人转人工",
            "Reason · 原因: " + string.Join("; ", eval.Turn.Handoff.Reasons.Select(BotReplies.ReasonName)),
            "Intent · 意图: " + (eval.Candidates.Count > 0
                ? string.Join(" / ", eval.Candidates.Take(3).Select(c => $"{c.Item.Question} ({c.Confidence.ToString("0.00", inv)})"))
                : "— (no matching FAQ · 无匹配问题)"),
            $"Sentiment · 情绪: {eval.Reading.SentimentLabel} ({eval.Reading.Sentiment.ToString("+0.00;-0.00;0.00", inv)})",
        };
        if (category is not null)
        {
            lines.Add($"Category · 类别: {category} ({eval.Reading.CategoryConfidence?.ToString("0.00", inv)})");
        }

        if (eval.Signals.Amount is { } amount)
        {
            lines.Add("Amount · 金额: " + amount.ToString("#,0.##", inv));
        }

        lines.Add($"Bot rounds · 机器人轮次: {rounds}, failed · 未解答: {failed}; the transcript is above · 对话记录见上方.");
        return string.Join("\n", lines);
    }

    private async Task<string?> CategoryNameAsync(Guid? id, CancellationToken ct) => id is { } c
        ? await db.Categories.AsNoTracking().Where(x => x.Id == c).Select(x => x.NameEn + " · " + x.NameZh).FirstOrDefaultAsync(ct)
        : null;
}
