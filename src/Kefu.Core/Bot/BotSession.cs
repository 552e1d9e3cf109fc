using Kefu.Core.Bot.Flows;

namespace Kefu.Core.Bot;

public enum BotState
{
    /// <summary>The bot answers the customer.</summary>
    Active,

    /// <summary>The bot handed the conversation to a person; it stays silent from now on.</summary>
    HandedOff,

    /// <summary>A person took over (replied or was assigned) before any handoff; the bot stays silent.</summary>
    Stopped,
}

/// <summary>The bot's memory of one conversation: its state, the failed rounds so far and the suggestions it last offered.</summary>
public sealed class BotSession
{
    private BotSession()
    {
    }

    public Guid ConversationId { get; private set; }

    public Guid InboxId { get; private set; }

    public BotState State { get; private set; }

    public string Language { get; private set; } = "";

    public int Turns { get; private set; }

    /// <summary>Consecutive rounds the bot could not answer (an answer resets it).</summary>
    public int FailedRounds { get; private set; }

    /// <summary>Ids of the FAQ entries offered by the last "did you mean…" (a click on one answers it directly).</summary>
    public List<string> Suggestions { get; private set; } = [];

    public string? HandoffReason { get; private set; }

    /// <summary>The last customer message the bot handled (a retried job does not handle it twice).</summary>
    public Guid? LastMessageId { get; private set; }

    public DateTimeOffset? HandedOffAt { get; private set; }

    /// <summary>The flow in progress (waiting for the customer's answer), or null.</summary>
    public FlowRun? Flow { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public int Version { get; private set; }

    public static BotSession Start(Guid conversationId, Guid inboxId, string language, DateTimeOffset now) => new()
    {
        ConversationId = conversationId,
        InboxId = inboxId,
        State = BotState.Active,
        Language = language,
        CreatedAt = now,
        UpdatedAt = now,
        Version = 1,
    };

    /// <summary>Records a turn: the failed-round counter after it and what was offered.</summary>
    public void Record(Guid messageId, BotTurn turn, DateTimeOffset now)
    {
        LastMessageId = messageId;
        Turns++;
        FailedRounds = turn.FailedRounds;
        Suggestions = turn.Action == BotAction.Suggest ? turn.Candidates.Select(c => c.Id).ToList() : [];
        Flow = null;
        if (turn.Action == BotAction.Handoff)
        {
            State = BotState.HandedOff;
            HandoffReason = turn.Handoff.Reason is { } r ? Common.WireName.Of(r) : null;
            HandedOffAt = now;
        }

        UpdatedAt = now;
        Version++;
    }

    /// <summary>Records a flow's round: the run goes on (waiting for an answer), ends, or hands off. Failed rounds are untouched.</summary>
    public void RecordFlow(Guid messageId, FlowTurn turn, DateTimeOffset now)
    {
        LastMessageId = messageId;
        Turns++;
        Suggestions = [];
        Flow = turn.Status == FlowStatus.WaitingForAnswer ? turn.Run : null;
        if (turn.Status == FlowStatus.HandOff)
        {
            State = BotState.HandedOff;
            HandoffReason = Common.WireName.Of(turn.Handoff ?? Kefu.Core.Bot.HandoffReason.FlowFailed);
            HandedOffAt = now;
        }

        UpdatedAt = now;
        Version++;
    }

    /// <summary>A person took over: the bot stops without a handoff.</summary>
    public void Stop(DateTimeOffset now)
    {
        if (State == BotState.Active)
        {
            State = BotState.Stopped;
            Flow = null;
            UpdatedAt = now;
            Version++;
        }
    }

    /// <summary>The bot could not run (e.g. its models failed): the conversation goes to people.</summary>
    public void HandOffAfterError(DateTimeOffset now)
    {
        if (State == BotState.Active)
        {
            State = BotState.HandedOff;
            HandoffReason = "bot_error";
            Flow = null;
            HandedOffAt = now;
            UpdatedAt = now;
            Version++;
        }
    }
}
