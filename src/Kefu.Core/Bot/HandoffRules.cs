namespace Kefu.Core.Bot;

/// <summary>Why the bot hands a conversation to a person.</summary>
public enum HandoffReason
{
    CustomerAsked,
    NegativeEmotion,
    BotFailed,
    Vip,
    HighAmount,

    /// <summary>A flow could not go on: its lookup failed, or the customer never gave a valid answer.</summary>
    FlowFailed,

    /// <summary>A flow reached its handoff step.</summary>
    FlowHandoff,
}

/// <summary>An inbox's handoff rules (admin-configurable; these defaults ship with Kefu).</summary>
public sealed record HandoffRules
{
    public static readonly HandoffRules Default = new();

    public bool OnCustomerRequest { get; init; } = true;

    public bool OnNegativeEmotion { get; init; } = true;

    /// <summary>Hand off after this many rounds the bot could not answer; 0 turns the rule off.</summary>
    public int MaxFailedRounds { get; init; } = 2;

    public bool OnVip { get; init; } = true;

    /// <summary>Hand off when a message mentions more than this amount; null turns the rule off.</summary>
    public decimal? AmountThreshold { get; init; } = 500_000m;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxFailedRounds is < 0 or > 20)
        {
            errors.Add("failed rounds must be between 0 (off) and 20.");
        }

        if (AmountThreshold is < 0)
        {
            errors.Add("the amount threshold cannot be negative.");
        }

        return errors;
    }
}

/// <summary>What is known when the bot decides: the message's signals and the conversation so far.</summary>
/// <param name="AsksForHuman">The message asks for a person (<see cref="HumanRequest"/>).</param>
/// <param name="NegativeEmotion">Negative emotion detected (lexicon and/or sentiment model).</param>
/// <param name="FailedRounds">Rounds the bot could not answer so far, including this one.</param>
/// <param name="IsVip">The customer is in the VIP segment.</param>
/// <param name="Amount">The largest amount the message mentions (<see cref="Amounts"/>).</param>
public sealed record HandoffSignals(bool AsksForHuman, bool NegativeEmotion, int FailedRounds, bool IsVip, decimal? Amount);

/// <summary>The decision and every reason that applied (the first is the main one shown to the agent).</summary>
public sealed record HandoffDecision(IReadOnlyList<HandoffReason> Reasons)
{
    public bool HandOff => Reasons.Count > 0;

    public HandoffReason? Reason => Reasons.Count > 0 ? Reasons[0] : null;
}

public static class HandoffPolicy
{
    /// <summary>Applies the rules in priority order: the customer's own wish first, then emotion, VIP, amount, failures.</summary>
    public static HandoffDecision Decide(HandoffRules rules, HandoffSignals s)
    {
        var reasons = new List<HandoffReason>();
        if (rules.OnCustomerRequest && s.AsksForHuman)
        {
            reasons.Add(HandoffReason.CustomerAsked);
        }

        if (rules.OnNegativeEmotion && s.NegativeEmotion)
        {
            reasons.Add(HandoffReason.NegativeEmotion);
        }

        if (rules.OnVip && s.IsVip)
        {
            reasons.Add(HandoffReason.Vip);
        }

        if (rules.AmountThreshold is { } limit && s.Amount is { } amount && amount > limit)
        {
            reasons.Add(HandoffReason.HighAmount);
        }

        if (rules.MaxFailedRounds > 0 && s.FailedRounds >= rules.MaxFailedRounds)
        {
            reasons.Add(HandoffReason.BotFailed);
        }

        return new HandoffDecision(reasons);
    }

    /// <summary>Reads the text signals of one message (the conversation's own facts are added by the caller).</summary>
    public static HandoffSignals Signals(string message, int failedRounds, bool isVip, bool? negativeFromModel = null) =>
        new(HumanRequest.IsRequest(message), negativeFromModel ?? EmotionLexicon.IsNegative(message), failedRounds, isVip, Amounts.Largest(message));
}
