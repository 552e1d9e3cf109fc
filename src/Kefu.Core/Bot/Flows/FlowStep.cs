namespace Kefu.Core.Bot.Flows;

public enum FlowStepKind
{
    /// <summary>Ask the customer for a value (a slot) and check it; re-ask on a bad answer, hand off after the limit.</summary>
    Ask,

    /// <summary>Call the shop's HTTP lookup with the slots; map the JSON answer into variables; branch on the outcome.</summary>
    Lookup,

    /// <summary>Say a message; <c>{{name}}</c> is replaced by a slot's or variable's value.</summary>
    Reply,

    /// <summary>Hand the conversation to a person with a reason.</summary>
    Handoff,
}

/// <summary>What a slot must look like. Built-in types find the value inside a sentence ("我的订单号是 A123456").</summary>
public enum SlotType
{
    Text,
    OrderNumber,
    Phone,
    Email,
    Number,
    Regex,
}

public enum LookupMethod
{
    Get,
    Post,
}

/// <summary>One value taken from the lookup's JSON answer: <c>Path</c> like <c>status</c>, <c>order.eta</c> or <c>items[0].name</c>.</summary>
public sealed record FlowMapping(string Variable, string Path);

/// <summary>
/// One step of a flow. A step has an id other steps branch to; <see cref="Next"/> is where it goes when done (empty:
/// the following step, or the end after the last; <see cref="FlowStep.End"/>: the end). The fields of other kinds are
/// ignored. <see cref="SecretProtected"/> is the lookup's header value, encrypted by the server; never shown.
/// </summary>
public sealed record FlowStep
{
    public const string End = "end";

    public string Id { get; init; } = "";

    public FlowStepKind Kind { get; init; }

    public string? Next { get; init; }

    // Ask
    public string? Slot { get; init; }

    public SlotType SlotType { get; init; }

    public string? Pattern { get; init; }

    public string? PromptZh { get; init; }

    public string? PromptEn { get; init; }

    public string? RetryZh { get; init; }

    public string? RetryEn { get; init; }

    public int MaxAttempts { get; init; } = 3;

    // Lookup
    public string? Url { get; init; }

    public LookupMethod Method { get; init; }

    public string? HeaderName { get; init; }

    public string? SecretProtected { get; init; }

    public int TimeoutSeconds { get; init; } = 5;

    /// <summary>Extra tries of the call after an error or a timeout (not after "not found").</summary>
    public int Retries { get; init; }

    public List<FlowMapping> Map { get; init; } = [];

    /// <summary>Where to go when the lookup answers 404; empty: like an error.</summary>
    public string? OnNotFound { get; init; }

    /// <summary>Where to go when the lookup fails (error status, timeout, not JSON); empty: apologise and hand off.</summary>
    public string? OnError { get; init; }

    // Reply
    public string? TextZh { get; init; }

    public string? TextEn { get; init; }

    // Handoff (its message is TextZh/TextEn when set)
    public string? Reason { get; init; }

    public static string Pick(string language, string? zh, string? en)
    {
        var chinese = language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        var first = chinese ? zh : en;
        return string.IsNullOrWhiteSpace(first) ? (chinese ? en : zh) ?? "" : first;
    }
}
