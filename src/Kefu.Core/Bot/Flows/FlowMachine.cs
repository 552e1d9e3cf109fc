using System.Text.Json;

namespace Kefu.Core.Bot.Flows;

/// <summary>A flow in progress in one conversation (kept with the bot's session): where it is and what it collected.</summary>
/// <param name="StepId">The step waiting: an ask waiting for the answer, or a lookup waiting for its result.</param>
/// <param name="Attempts">Bad answers to the current ask so far.</param>
public sealed record FlowRun(
    Guid FlowId, string FlowName, string StepId, string Language, int Attempts, Dictionary<string, string> Slots, Dictionary<string, string> Vars,
    DateTimeOffset StartedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Slots and lookup values by name, as templates see them.</summary>
    public IReadOnlyDictionary<string, string> Values
    {
        get
        {
            var all = new Dictionary<string, string>(Slots, StringComparer.Ordinal);
            foreach (var (k, v) in Vars)
            {
                all[k] = v;
            }

            return all;
        }
    }
}

public enum FlowStatus
{
    /// <summary>Asked the customer something; the next message is the answer.</summary>
    WaitingForAnswer,

    /// <summary>The caller must run <see cref="FlowTurn.Lookup"/> and pass its result to <see cref="FlowMachine.AfterLookup"/>.</summary>
    NeedsLookup,

    /// <summary>The flow reached its end; the bot answers questions again.</summary>
    Completed,

    /// <summary>The customer cancelled; the bot answers questions again.</summary>
    Cancelled,

    /// <summary>Hand the conversation to a person (<see cref="FlowTurn.Handoff"/>, <see cref="FlowTurn.Detail"/>).</summary>
    HandOff,

    /// <summary>The flow changed under the run (its step is gone): the run is dropped and the message handled as if no flow ran.</summary>
    Abandoned,
}

/// <summary>The call a lookup step asks for; the URL's values are already escaped, the body is the slots as JSON.</summary>
public sealed record LookupRequest(string StepId, LookupMethod Method, string Url, string? Body, string? HeaderName, int TimeoutSeconds, int Retries);

public enum LookupStatus
{
    /// <summary>2xx with a JSON body.</summary>
    Found,

    /// <summary>404.</summary>
    NotFound,

    /// <summary>Another status, a timeout, a network error or a body that is not JSON.</summary>
    Failed,
}

public sealed record LookupResult(LookupStatus Status, string? Json = null);

/// <summary>What one round of a flow did: the replies in order, the run after it (null once the flow ended) and what comes next.</summary>
/// <param name="HandoffMessage">The handoff step's own message; null means the bot's usual handoff words.</param>
/// <param name="Detail">For agents: why the flow handed off (the handoff step's reason, the slot that was never valid, the failed lookup).</param>
public sealed record FlowTurn(
    FlowStatus Status, FlowRun? Run, IReadOnlyList<string> Replies, LookupRequest? Lookup = null, HandoffReason? Handoff = null,
    string? HandoffMessage = null, string? Detail = null);

/// <summary>
/// The flow state machine, pure: <see cref="Start"/> runs steps until one needs the customer (ask) or the shop (lookup);
/// <see cref="Answer"/> takes the customer's answer to the waiting ask; <see cref="AfterLookup"/> takes the lookup's
/// result. Replies, lookups and handoffs are decisions the caller carries out.
/// </summary>
public static class FlowMachine
{
    /// <summary>Steps run in one round at most: a flow whose steps jump in a circle without asking ends in a handoff.</summary>
    public const int MaxStepsPerRound = 25;

    public static FlowTurn Start(BotFlow flow, string language, DateTimeOffset now)
    {
        var run = new FlowRun(flow.Id, flow.Name, flow.Steps.Count > 0 ? flow.Steps[0].Id : FlowStep.End, language, 0, [], [], now, now);
        return Continue(flow, run, run.StepId, [], now);
    }

    /// <summary>The customer's message while the flow waits for an answer. Cancel words end the flow.</summary>
    public static FlowTurn Answer(BotFlow flow, FlowRun run, string text, DateTimeOffset now)
    {
        if (flow.Step(run.StepId) is not { Kind: FlowStepKind.Ask } step || string.IsNullOrEmpty(step.Slot))
        {
            return new FlowTurn(FlowStatus.Abandoned, null, []);
        }

        if (FlowCancel.IsCancel(text))
        {
            return new FlowTurn(FlowStatus.Cancelled, null, []);
        }

        var value = Slots.Read(step.SlotType, step.Pattern, text);
        if (value is null)
        {
            var attempts = run.Attempts + 1;
            if (attempts >= step.MaxAttempts)
            {
                return HandOff(run with { Attempts = attempts, UpdatedAt = now }, [], HandoffReason.FlowFailed, null,
                    $"no valid {step.Slot} after {attempts} attempts (last answer: {FlowText.Clean(text)})");
            }

            var retry = FlowStep.Pick(run.Language, step.RetryZh, step.RetryEn);
            var prompt = retry.Length > 0 ? retry : FlowStep.Pick(run.Language, step.PromptZh, step.PromptEn);
            return new FlowTurn(FlowStatus.WaitingForAnswer, run with { Attempts = attempts, UpdatedAt = now }, [FlowText.Render(prompt, run.Values)]);
        }

        var slots = new Dictionary<string, string>(run.Slots, StringComparer.Ordinal) { [step.Slot] = FlowText.Clean(value) };
        return Continue(flow, run with { Slots = slots, Attempts = 0 }, NextOf(flow, step), [], now);
    }

    /// <summary>The lookup's result: values are mapped on success; 404 and failures take their branches (or hand off).</summary>
    public static FlowTurn AfterLookup(BotFlow flow, FlowRun run, LookupResult result, DateTimeOffset now)
    {
        if (flow.Step(run.StepId) is not { Kind: FlowStepKind.Lookup } step)
        {
            return new FlowTurn(FlowStatus.Abandoned, null, []);
        }

        var status = result.Status;
        Dictionary<string, string>? vars = null;
        if (status == LookupStatus.Found)
        {
            try
            {
                using var doc = JsonDocument.Parse(result.Json ?? "");
                vars = new Dictionary<string, string>(run.Vars, StringComparer.Ordinal);
                foreach (var m in step.Map)
                {
                    vars[m.Variable] = FlowText.Read(doc.RootElement, m.Path) ?? "";
                }
            }
            catch (JsonException)
            {
                status = LookupStatus.Failed;
            }
        }

        return status switch
        {
            LookupStatus.Found => Continue(flow, run with { Vars = vars! }, NextOf(flow, step), [], now),
            LookupStatus.NotFound when step.OnNotFound is { } notFound => Continue(flow, run, notFound, [], now),
            _ when step.OnError is { } onError => Continue(flow, run, onError, [], now),
            _ => HandOff(run with { UpdatedAt = now }, [], HandoffReason.FlowFailed, null,
                status == LookupStatus.NotFound ? $"lookup {step.Id} found nothing" : $"lookup {step.Id} failed"),
        };
    }

    /// <summary>Where a step goes when done: its <see cref="FlowStep.Next"/>, else the following step, else the end.</summary>
    public static string NextOf(BotFlow flow, FlowStep step)
    {
        if (!string.IsNullOrEmpty(step.Next))
        {
            return step.Next;
        }

        var index = flow.Steps.IndexOf(step);
        return index >= 0 && index + 1 < flow.Steps.Count ? flow.Steps[index + 1].Id : FlowStep.End;
    }

    /// <summary>The lookup call of a step with the run's values: URL values escaped, POST body the slots as a JSON object.</summary>
    public static LookupRequest Request(FlowStep step, FlowRun run) => new(
        step.Id, step.Method, FlowText.Render(step.Url ?? "", run.Values, Uri.EscapeDataString),
        step.Method == LookupMethod.Post ? JsonSerializer.Serialize(run.Slots) : null, step.HeaderName, step.TimeoutSeconds, step.Retries);

    private static FlowTurn Continue(BotFlow flow, FlowRun run, string stepId, List<string> replies, DateTimeOffset now)
    {
        for (var executed = 0; executed < MaxStepsPerRound; executed++)
        {
            if (stepId == FlowStep.End)
            {
                return new FlowTurn(FlowStatus.Completed, null, replies);
            }

            if (flow.Step(stepId) is not { } step)
            {
                return HandOff(run, replies, HandoffReason.FlowFailed, null, $"the flow has no step {stepId}");
            }

            run = run with { StepId = step.Id, UpdatedAt = now };
            switch (step.Kind)
            {
                case FlowStepKind.Ask:
                    replies.Add(FlowText.Render(FlowStep.Pick(run.Language, step.PromptZh, step.PromptEn), run.Values));
                    return new FlowTurn(FlowStatus.WaitingForAnswer, run with { Attempts = 0 }, replies);
                case FlowStepKind.Lookup:
                    return new FlowTurn(FlowStatus.NeedsLookup, run, replies, Request(step, run));
                case FlowStepKind.Reply:
                    replies.Add(FlowText.Render(FlowStep.Pick(run.Language, step.TextZh, step.TextEn), run.Values));
                    stepId = NextOf(flow, step);
                    break;
                case FlowStepKind.Handoff:
                    var text = FlowStep.Pick(run.Language, step.TextZh, step.TextEn);
                    return HandOff(run, replies, HandoffReason.FlowHandoff, text.Length > 0 ? FlowText.Render(text, run.Values) : null, step.Reason ?? step.Id);
            }
        }

        return HandOff(run, replies, HandoffReason.FlowFailed, null, $"the flow ran {MaxStepsPerRound} steps without asking anything");
    }

    private static FlowTurn HandOff(FlowRun run, List<string> replies, HandoffReason reason, string? message, string detail) =>
        new(FlowStatus.HandOff, run, replies, Handoff: reason, HandoffMessage: message, Detail: detail);
}

/// <summary>Words that cancel a flow: the whole message is one of them (so "取消订单怎么操作" is a question, not a cancel).</summary>
public static class FlowCancel
{
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "取消", "算了", "不用了", "不查了", "退出", "不要了", "取消查询", "先不查了", "算了吧", "不用了谢谢", "没事了",
        "cancel", "stop", "quit", "exit", "never mind", "nevermind", "forget it",
    };

    public static bool IsCancel(string text)
    {
        var t = TextNormalizer.Normalize(text).Trim().TrimEnd('.', '!', '。', '！', '~', ',', '，');
        return Words.Contains(t);
    }
}
