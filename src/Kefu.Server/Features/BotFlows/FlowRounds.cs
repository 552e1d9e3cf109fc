using Kefu.Core.Bot;
using Kefu.Core.Bot.Flows;

namespace Kefu.Server.Features.BotFlows;

/// <summary>A flow round carried out: the final turn (with every reply of the round, in order) and the lookups it made.</summary>
public sealed record FlowRoundResult(FlowTurn Turn, IReadOnlyList<LookupCall> Lookups);

/// <summary>Runs a flow's turn to the next question or the end, calling the lookups it asks for (shared by chats and the test console).</summary>
public static class FlowRounds
{
    /// <summary>Lookups in one round at most (a flow that keeps looking things up without asking ends in a handoff).</summary>
    public const int MaxLookupsPerRound = 5;

    public static async Task<FlowRoundResult> CompleteAsync(BotFlow flow, FlowTurn turn, FlowLookup lookup, TimeProvider clock, CancellationToken ct)
    {
        var replies = new List<string>(turn.Replies);
        var calls = new List<LookupCall>();
        while (turn.Status == FlowStatus.NeedsLookup)
        {
            if (calls.Count >= MaxLookupsPerRound)
            {
                turn = new FlowTurn(FlowStatus.HandOff, turn.Run, [], Handoff: HandoffReason.FlowFailed, Detail: $"more than {MaxLookupsPerRound} lookups in one round");
                break;
            }

            var call = await lookup.RunAsync(flow, turn.Lookup!, ct);
            calls.Add(call);
            turn = FlowMachine.AfterLookup(flow, turn.Run!, call.Result, clock.GetUtcNow());
            replies.AddRange(turn.Replies);
        }

        return new FlowRoundResult(turn with { Replies = replies }, calls);
    }

    /// <summary>The bot's words when a flow hands off without its own message, and when the customer cancels.</summary>
    public static string Cancelled(string language) => language.StartsWith("zh", StringComparison.OrdinalIgnoreCase)
        ? "好的，已取消。还有什么可以帮您？"
        : "Okay, cancelled. Anything else I can help with?";

    /// <summary>Replies that quote a lookup's detail for agents, one line each.</summary>
    public static string NoteLines(FlowRun? run, FlowTurn turn, IReadOnlyList<LookupCall> calls)
    {
        var lines = new List<string>();
        if (run is not null)
        {
            lines.Add($"Flow · 流程: {run.FlowName} (step · 步骤 {run.StepId})");
            if (run.Slots.Count > 0)
            {
                lines.Add("Collected · 已收集: " + string.Join(", ", run.Slots.Select(s => $"{s.Key}={s.Value}")));
            }
        }

        if (turn.Detail is not null)
        {
            lines.Add("Detail · 详情: " + turn.Detail);
        }

        foreach (var c in calls)
        {
            lines.Add($"Lookup · 查询: {c.Method.ToString().ToUpperInvariant()} {c.Url} → {(c.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—")} {c.Error} ({c.ElapsedMs} ms, {c.Tries} tries)".Replace("  ", " ", StringComparison.Ordinal));
        }

        return string.Join("\n", lines);
    }
}
