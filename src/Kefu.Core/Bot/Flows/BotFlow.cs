using Kefu.Core.Common;

namespace Kefu.Core.Bot.Flows;

/// <summary>What an admin sends to define a flow (every field).</summary>
/// <param name="InboxIds">The chat inboxes whose bot runs the flow; empty: every chat inbox.</param>
/// <param name="FaqKey">An FAQ entry the flow is attached to: when the bot would answer it, the flow starts instead.</param>
public sealed record BotFlowContent(
    string? Name,
    bool Enabled,
    IReadOnlyList<Guid>? InboxIds,
    IReadOnlyList<string>? TriggersZh,
    IReadOnlyList<string>? TriggersEn,
    string? FaqKey,
    IReadOnlyList<FlowStep>? Steps);

/// <summary>
/// A multi-turn bot flow (e.g. order status: ask for the order number, look it up in the shop, answer from the result):
/// started by a trigger phrase in the customer's message or by the FAQ entry it is attached to, run by
/// <see cref="FlowMachine"/>. Data edited by admins; a flow may be saved unfinished while it is disabled.
/// </summary>
public sealed class BotFlow
{
    public const int MaxSteps = 30;
    public const int MaxTriggers = 30;
    public const int MaxTrigger = 100;
    public const int MaxText = 2_000;
    public const int MaxMappings = 20;
    public const int MaxTimeoutSeconds = 30;
    public const int StepIdLength = 40;

    private BotFlow()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public bool Enabled { get; private set; }

    public List<Guid> InboxIds { get; private set; } = [];

    public List<string> TriggersZh { get; private set; } = [];

    public List<string> TriggersEn { get; private set; } = [];

    public string? FaqKey { get; private set; }

    public List<FlowStep> Steps { get; private set; } = [];

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public int Version { get; private set; }

    public bool AppliesTo(Guid inboxId) => InboxIds.Count == 0 || InboxIds.Contains(inboxId);

    public FlowStep? Step(string id) => Steps.FirstOrDefault(s => s.Id == id);

    public static Result<BotFlow> Create(Guid id, BotFlowContent content, DateTimeOffset now)
    {
        var flow = new BotFlow { Id = id, CreatedAt = now };
        var applied = flow.Apply(content, now);
        return applied.IsOk ? flow : applied.Error!;
    }

    /// <summary>Replaces the definition after validating it; the steps' stored secrets are the caller's to carry over.</summary>
    public Result<BotFlow> Apply(BotFlowContent c, DateTimeOffset now)
    {
        if (Validate(c).ToError() is { } invalid)
        {
            return invalid;
        }

        Name = c.Name!.Trim();
        Enabled = c.Enabled;
        InboxIds = (c.InboxIds ?? []).Distinct().ToList();
        TriggersZh = Clean(c.TriggersZh);
        TriggersEn = Clean(c.TriggersEn);
        FaqKey = string.IsNullOrWhiteSpace(c.FaqKey) ? null : c.FaqKey.Trim();
        Steps = (c.Steps ?? []).Select(Trimmed).ToList();
        UpdatedAt = now;
        Version++;
        return this;
    }

    public void SetEnabled(bool enabled, DateTimeOffset now)
    {
        Enabled = enabled;
        UpdatedAt = now;
        Version++;
    }

    public BotFlowContent Content => new(Name, Enabled, InboxIds, TriggersZh, TriggersEn, FaqKey, Steps);

    /// <summary>
    /// Field errors of a definition (<c>steps[1].url</c> style). A disabled flow may lack its lookup URL (a draft,
    /// like the shipped template); everything that is set must still be well-formed.
    /// </summary>
    public static FieldErrors Validate(BotFlowContent c)
    {
        var errors = new FieldErrors().Required("name", c.Name, Limits.Name).MaxLength("faqKey", c.FaqKey, Limits.Name);
        Triggers(errors, "triggersZh", c.TriggersZh);
        Triggers(errors, "triggersEn", c.TriggersEn);
        if (c.Enabled && Clean(c.TriggersZh).Count == 0 && Clean(c.TriggersEn).Count == 0 && string.IsNullOrWhiteSpace(c.FaqKey))
        {
            errors.Add("triggersZh", "a flow needs at least one trigger phrase (or an FAQ entry) to start.");
        }

        var steps = c.Steps ?? [];
        if (steps.Count == 0)
        {
            errors.Add("steps", "a flow needs at least one step.");
        }
        else if (steps.Count > MaxSteps)
        {
            errors.Add("steps", $"must contain at most {MaxSteps} steps.");
        }

        var ids = steps.Select(s => s.Id?.Trim() ?? "").ToList();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in steps)
        {
            if (s.Kind == FlowStepKind.Ask && FlowText.IsName(s.Slot?.Trim()))
            {
                known.Add(s.Slot!.Trim());
            }

            if (s.Kind == FlowStepKind.Lookup)
            {
                foreach (var m in s.Map ?? [])
                {
                    if (FlowText.IsName(m.Variable?.Trim()))
                    {
                        known.Add(m.Variable!.Trim());
                    }
                }
            }
        }

        for (var i = 0; i < steps.Count; i++)
        {
            Step(errors, $"steps[{i}].", steps[i], i, ids, known, c.Enabled);
        }

        return errors;
    }

    private static void Step(FieldErrors errors, string at, FlowStep s, int index, List<string> ids, HashSet<string> known, bool enabled)
    {
        var id = s.Id?.Trim() ?? "";
        if (!FlowText.IsName(id) || id == FlowStep.End)
        {
            errors.Add(at + "id", $"must be 1–{StepIdLength} letters, digits or _ (not \"{FlowStep.End}\").");
        }
        else if (ids.IndexOf(id) != index)
        {
            errors.Add(at + "id", "another step has this id.");
        }

        Target(errors, at + "next", s.Next, ids);
        switch (s.Kind)
        {
            case FlowStepKind.Ask:
                if (!FlowText.IsName(s.Slot?.Trim()))
                {
                    errors.Add(at + "slot", "must be a name of letters, digits or _ (used as {{name}} later).");
                }

                Texts(errors, at + "promptZh", s.PromptZh, s.PromptEn, required: true);
                Texts(errors, at + "retryZh", s.RetryZh, s.RetryEn, required: false);
                if (s.MaxAttempts is < 1 or > 10)
                {
                    errors.Add(at + "maxAttempts", "must be between 1 and 10.");
                }

                if (s.SlotType == SlotType.Regex)
                {
                    if (string.IsNullOrWhiteSpace(s.Pattern))
                    {
                        errors.Add(at + "pattern", "is required for a pattern slot.");
                    }
                    else if (s.Pattern.Length > 500 || Slots.Compile(s.Pattern) is null)
                    {
                        errors.Add(at + "pattern", "is not a valid regular expression.");
                    }
                }

                break;
            case FlowStepKind.Lookup:
                var url = s.Url?.Trim();
                if (string.IsNullOrEmpty(url))
                {
                    if (enabled)
                    {
                        errors.Add(at + "url", "is required to enable the flow (the shop's lookup address).");
                    }
                }
                else if (UrlProblem(url) is { } problem)
                {
                    errors.Add(at + "url", problem);
                }
                else
                {
                    Unknown(errors, at + "url", url, known);
                }

                if (!string.IsNullOrWhiteSpace(s.HeaderName) && !HeaderName(s.HeaderName.Trim()))
                {
                    errors.Add(at + "headerName", "must be an HTTP header name such as Authorization or X-Api-Key.");
                }

                if (s.TimeoutSeconds is < 1 or > MaxTimeoutSeconds)
                {
                    errors.Add(at + "timeoutSeconds", $"must be between 1 and {MaxTimeoutSeconds} seconds.");
                }

                if (s.Retries is < 0 or > 2)
                {
                    errors.Add(at + "retries", "must be between 0 and 2.");
                }

                var map = s.Map ?? [];
                if (map.Count > MaxMappings)
                {
                    errors.Add(at + "map", $"must contain at most {MaxMappings} values.");
                }

                for (var m = 0; m < map.Count; m++)
                {
                    if (!FlowText.IsName(map[m].Variable?.Trim()))
                    {
                        errors.Add($"{at}map[{m}].variable", "must be a name of letters, digits or _.");
                    }

                    if (!FlowText.IsPath(map[m].Path?.Trim()))
                    {
                        errors.Add($"{at}map[{m}].path", "must be a JSON path such as status, order.eta or items[0].name.");
                    }
                }

                Target(errors, at + "onNotFound", s.OnNotFound, ids);
                Target(errors, at + "onError", s.OnError, ids);
                break;
            case FlowStepKind.Reply:
                Texts(errors, at + "textZh", s.TextZh, s.TextEn, required: true);
                break;
            case FlowStepKind.Handoff:
                Texts(errors, at + "textZh", s.TextZh, s.TextEn, required: false);
                errors.MaxLength(at + "reason", s.Reason, 40);
                break;
            default:
                errors.Add(at + "kind", "must be ask, lookup, reply or handoff.");
                break;
        }

        foreach (var text in new[] { s.PromptZh, s.PromptEn, s.RetryZh, s.RetryEn, s.TextZh, s.TextEn })
        {
            Unknown(errors, at + (s.Kind is FlowStepKind.Ask ? "promptZh" : "textZh"), text, known);
        }
    }

    /// <summary>Why a lookup URL template is not usable, or null. A customer's value may never decide the host.</summary>
    public static string? UrlProblem(string url)
    {
        var rendered = FlowText.Render(url, new Dictionary<string, string>());
        if (url.Length > Limits.Url || rendered.Contains("{{", StringComparison.Ordinal) || rendered.Contains("}}", StringComparison.Ordinal)
            || !Uri.TryCreate(rendered, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            return "must be an absolute http(s) address; {{slot}} may stand for a value in the path or query.";
        }

        var authority = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var path = url.IndexOfAny(['/', '?', '#'], authority);
        var placeholder = url.IndexOf("{{", StringComparison.Ordinal);
        return placeholder >= 0 && (path < 0 || placeholder < path) ? "{{slot}} may stand only in the path or query, never in the host." : null;
    }

    private static void Texts(FieldErrors errors, string field, string? zh, string? en, bool required)
    {
        if (required && string.IsNullOrWhiteSpace(zh) && string.IsNullOrWhiteSpace(en))
        {
            errors.Add(field, "is required (in Chinese or English; the other language falls back to it).");
        }

        if (zh?.Length > MaxText || en?.Length > MaxText)
        {
            errors.Add(field, $"must be at most {MaxText} characters.");
        }
    }

    private static void Unknown(FieldErrors errors, string field, string? template, HashSet<string> known)
    {
        foreach (var name in FlowText.Names(template))
        {
            if (!known.Contains(name))
            {
                errors.Add(field, $"{{{{{name}}}}} is neither a slot nor a lookup value of this flow.");
            }
        }
    }

    private static void Target(FieldErrors errors, string field, string? target, List<string> ids)
    {
        var t = target?.Trim();
        if (!string.IsNullOrEmpty(t) && t != FlowStep.End && !ids.Contains(t))
        {
            errors.Add(field, $"no step has the id \"{t}\".");
        }
    }

    private static bool HeaderName(string name) => name.Length <= 100 && name.All(c => c < 127 && (char.IsLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)));

    private static void Triggers(FieldErrors errors, string field, IReadOnlyList<string>? triggers)
    {
        if (triggers is null)
        {
            return;
        }

        if (triggers.Count > MaxTriggers)
        {
            errors.Add(field, $"must contain at most {MaxTriggers} phrases.");
        }

        for (var i = 0; i < triggers.Count; i++)
        {
            if (triggers[i]?.Trim().Length > MaxTrigger)
            {
                errors.Add($"{field}[{i}]", $"must be at most {MaxTrigger} characters.");
            }
        }
    }

    private static List<string> Clean(IReadOnlyList<string>? triggers) =>
        (triggers ?? []).Select(t => t?.Trim() ?? "").Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    private static FlowStep Trimmed(FlowStep s) => s with
    {
        Id = s.Id.Trim(),
        Next = Blank(s.Next),
        Slot = Blank(s.Slot),
        Pattern = s.Kind == FlowStepKind.Ask && s.SlotType == SlotType.Regex ? s.Pattern : null,
        Url = Blank(s.Url),
        HeaderName = Blank(s.HeaderName),
        Map = (s.Map ?? []).Select(m => new FlowMapping(m.Variable.Trim(), m.Path.Trim())).ToList(),
        OnNotFound = Blank(s.OnNotFound),
        OnError = Blank(s.OnError),
        Reason = Blank(s.Reason),
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
