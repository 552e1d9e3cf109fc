using Kefu.Core.Common;

namespace Kefu.Core.Bot;

/// <summary>What an admin sends to change an inbox's bot (every field; absent means the default).</summary>
public sealed record BotSettingsContent(
    bool Enabled = true,
    double AnswerAtOrAbove = 0.5,
    double OutOfScopeBelow = 0.21,
    int MaxFailedRounds = 2,
    bool OnCustomerRequest = true,
    bool OnNegativeEmotion = true,
    bool OnVip = true,
    decimal? AmountThreshold = 500_000m,
    string? GreetingZh = BotSettings.DefaultGreetingZh,
    string? GreetingEn = BotSettings.DefaultGreetingEn);

/// <summary>
/// The answer bot of one chat inbox: on by default (an inbox without a row uses <see cref="Defaults"/>), its
/// confidence thresholds and its handoff rules. Data edited by admins, not options.
/// </summary>
public sealed class BotSettings
{
    public const string DefaultGreetingZh = "您好，我是智能助手，可以回答常见问题。需要人工服务时，请输入“转人工”。";
    public const string DefaultGreetingEn = "Hi, I'm the assistant and can answer common questions. Type \"agent\" any time to talk to a person.";

    private BotSettings()
    {
    }

    public Guid InboxId { get; private set; }

    public bool Enabled { get; private set; } = true;

    public double AnswerAtOrAbove { get; private set; } = 0.5;

    public double OutOfScopeBelow { get; private set; } = 0.21;

    public int MaxFailedRounds { get; private set; } = 2;

    public bool OnCustomerRequest { get; private set; } = true;

    public bool OnNegativeEmotion { get; private set; } = true;

    public bool OnVip { get; private set; } = true;

    public decimal? AmountThreshold { get; private set; } = 500_000m;

    public string GreetingZh { get; private set; } = DefaultGreetingZh;

    public string GreetingEn { get; private set; } = DefaultGreetingEn;

    public DateTimeOffset UpdatedAt { get; private set; }

    public HandoffRules Rules => new()
    {
        OnCustomerRequest = OnCustomerRequest,
        OnNegativeEmotion = OnNegativeEmotion,
        MaxFailedRounds = MaxFailedRounds,
        OnVip = OnVip,
        AmountThreshold = AmountThreshold,
    };

    public AnswerThresholds Thresholds => new(AnswerAtOrAbove, OutOfScopeBelow);

    public BotSettingsContent Content => new(Enabled, AnswerAtOrAbove, OutOfScopeBelow, MaxFailedRounds, OnCustomerRequest, OnNegativeEmotion, OnVip,
        AmountThreshold, GreetingZh, GreetingEn);

    public string Greeting(string language) => language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? GreetingZh : GreetingEn;

    /// <summary>The settings of an inbox nobody configured: the bot is on with the shipped thresholds and rules.</summary>
    public static BotSettings Defaults(Guid inboxId) => new() { InboxId = inboxId };

    public static Result<BotSettings> Create(Guid inboxId, BotSettingsContent content, DateTimeOffset now)
    {
        var settings = new BotSettings { InboxId = inboxId };
        var applied = settings.Apply(content, now);
        return applied.IsOk ? settings : applied.Error!;
    }

    public Result<IReadOnlyList<FieldChange>> Apply(BotSettingsContent c, DateTimeOffset now)
    {
        var errors = new FieldErrors()
            .MaxLength("greetingZh", c.GreetingZh, Limits.Description)
            .MaxLength("greetingEn", c.GreetingEn, Limits.Description);
        if (c.AnswerAtOrAbove is < 0 or > 1 || double.IsNaN(c.AnswerAtOrAbove))
        {
            errors.Add("answerAtOrAbove", "must be a confidence between 0 and 1.");
        }

        if (c.OutOfScopeBelow is < 0 or > 1 || double.IsNaN(c.OutOfScopeBelow))
        {
            errors.Add("outOfScopeBelow", "must be a confidence between 0 and 1.");
        }
        else if (c.OutOfScopeBelow > c.AnswerAtOrAbove)
        {
            errors.Add("outOfScopeBelow", "cannot be above answerAtOrAbove.");
        }

        if (c.MaxFailedRounds is < 0 or > 20)
        {
            errors.Add("maxFailedRounds", "must be between 0 (off) and 20.");
        }

        if (c.AmountThreshold is < 0)
        {
            errors.Add("amountThreshold", "cannot be negative (null turns the rule off).");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        void Set<T>(string field, T before, T after, Action<T> apply)
        {
            if (!EqualityComparer<T>.Default.Equals(before, after))
            {
                changes.Add(new(field, Convert.ToString(before, System.Globalization.CultureInfo.InvariantCulture), Convert.ToString(after, System.Globalization.CultureInfo.InvariantCulture)));
                apply(after);
            }
        }

        Set("enabled", Enabled, c.Enabled, v => Enabled = v);
        Set("answerAtOrAbove", AnswerAtOrAbove, c.AnswerAtOrAbove, v => AnswerAtOrAbove = v);
        Set("outOfScopeBelow", OutOfScopeBelow, c.OutOfScopeBelow, v => OutOfScopeBelow = v);
        Set("maxFailedRounds", MaxFailedRounds, c.MaxFailedRounds, v => MaxFailedRounds = v);
        Set("onCustomerRequest", OnCustomerRequest, c.OnCustomerRequest, v => OnCustomerRequest = v);
        Set("onNegativeEmotion", OnNegativeEmotion, c.OnNegativeEmotion, v => OnNegativeEmotion = v);
        Set("onVip", OnVip, c.OnVip, v => OnVip = v);
        Set("amountThreshold", AmountThreshold, c.AmountThreshold, v => AmountThreshold = v);
        Set("greetingZh", GreetingZh, c.GreetingZh?.Trim() ?? "", v => GreetingZh = v);
        Set("greetingEn", GreetingEn, c.GreetingEn?.Trim() ?? "", v => GreetingEn = v);
        UpdatedAt = now;
        return changes;
    }
}
