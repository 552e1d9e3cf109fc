using System.Security.Claims;
using Kefu.Core.Bot;
using Kefu.Core.Bot.Flows;
using Kefu.Core.Common;
using Kefu.Core.Knowledge;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.BotFlows;

/// <summary>One message to a flow in the test console; <c>run</c> is the state the previous answer returned (absent: start the flow).</summary>
public sealed record FlowTryRequest(string? Text, string? Language, FlowRun? Run);

public sealed record LookupCallDto(string Method, string Url, string Outcome, int? StatusCode, long ElapsedMs, int Tries, string? Error, IReadOnlyDictionary<string, string> Values);

/// <summary>
/// What the flow did with the message: <c>triggered</c> (the message contains one of its trigger phrases), the
/// bot's replies, the status (waiting_for_answer, completed, cancelled, hand_off), the lookups it made against the
/// configured endpoint, and <c>run</c> to send with the next message.
/// </summary>
public sealed record FlowTryResult(
    bool Triggered, FlowStatus Status, IReadOnlyList<string> Replies, FlowRun? Run, IReadOnlyList<LookupCallDto> Lookups, HandoffReason? Handoff, string? Detail);

public static class BotFlowEndpoints
{
    public static void MapBotFlowEndpoints(this IEndpointRouteBuilder app)
    {
        var flows = app.MapGroup("/api/v1/bot/flows").WithTags("Bot flows").RequireAuthorization(Policies.Admin);
        flows.MapGet("", List).WithSummary("Every bot flow (admins), by name.");
        flows.MapGet("/{id:guid}", Get).WithSummary("One bot flow. Lookup secrets are never returned (hasSecret says one is stored).");
        flows.MapPost("", Create).WithSummary("Create a flow: name, enabled, inboxIds (empty = every chat inbox), triggersZh/triggersEn, faqKey, steps (ask, lookup, reply, handoff). A disabled flow may lack its lookup URL.");
        flows.MapPut("/{id:guid}", Update).WithSummary("Replace a flow's definition. A lookup step without \"secret\" keeps the stored one (matched by step id); \"\" removes it.");
        flows.MapDelete("/{id:guid}", Delete).WithSummary("Delete a flow; chats in the middle of it go back to FAQ answers.");
        flows.MapPost("/templates/{key}", FromTemplate).WithSummary("Create a flow from a shipped template (order_status: 订单查询 · Order status), disabled until its lookup URL is set.");
        flows.MapPost("/{id:guid}/try", Try).WithSummary("The flow test console: runs one message through the saved flow, calling its configured lookup for real; send back the returned run with the next message.");
    }

    private static async Task<Ok<List<BotFlowDto>>> List(KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.BotFlows.AsNoTracking().ToListAsync(ct)).OrderBy(f => f.Name, StringComparer.Ordinal).Select(BotFlowDto.From).ToList());

    private static async Task<Results<Ok<BotFlowDto>, ProblemHttpResult>> Get(Guid id, KefuDbContext db, CancellationToken ct) =>
        await db.BotFlows.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct) is { } flow
            ? TypedResults.Ok(BotFlowDto.From(flow))
            : Problems.From(new NotFound("Bot flow", id.ToString()));

    private static async Task<Results<Created<BotFlowDto>, ProblemHttpResult>> Create(
        BotFlowRequest request, KefuDbContext db, FlowSecrets secrets, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var created = await BotFlowCommands.CreateAsync(db, secrets, user.ToActor(), clock.GetUtcNow(), request, ct);
        return created.IsOk ? TypedResults.Created($"/api/v1/bot/flows/{created.Value.Id}", BotFlowDto.From(created.Value)) : Problems.From(created.Error!);
    }

    private static async Task<Results<Ok<BotFlowDto>, ProblemHttpResult>> Update(
        Guid id, BotFlowRequest request, KefuDbContext db, FlowSecrets secrets, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var updated = await BotFlowCommands.UpdateAsync(db, secrets, user.ToActor(), clock.GetUtcNow(), id, request, ct);
        return updated.IsOk ? TypedResults.Ok(BotFlowDto.From(updated.Value)) : Problems.From(updated.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var deleted = await BotFlowCommands.DeleteAsync(db, user.ToActor(), clock.GetUtcNow(), id, ct);
        return deleted.IsOk ? TypedResults.NoContent() : Problems.From(deleted.Error!);
    }

    private static async Task<Results<Created<BotFlowDto>, ProblemHttpResult>> FromTemplate(
        string key, KefuDbContext db, FlowSecrets secrets, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var created = await BotFlowCommands.CreateFromTemplateAsync(db, secrets, user.ToActor(), clock.GetUtcNow(), key, ct);
        return created.IsOk ? TypedResults.Created($"/api/v1/bot/flows/{created.Value.Id}", BotFlowDto.From(created.Value)) : Problems.From(created.Error!);
    }

    private static async Task<Results<Ok<FlowTryResult>, ProblemHttpResult>> Try(
        Guid id, FlowTryRequest request, KefuDbContext db, FlowLookup lookup, TimeProvider clock, CancellationToken ct)
    {
        var flow = await db.BotFlows.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct);
        if (flow is null)
        {
            return Problems.From(new NotFound("Bot flow", id.ToString()));
        }

        var errors = new FieldErrors().Required("text", request.Text, Chat.ChatCommands.MaxVisitorText);
        if (request.Language is not null && !KbLanguages.IsSupported(request.Language))
        {
            errors.Add("language", "must be \"zh-CN\" or \"en\".");
        }

        if (request.Run is { } run && run.FlowId != flow.Id)
        {
            errors.Add("run", "belongs to another flow.");
        }

        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        return TypedResults.Ok(await TryAsync(flow, request.Run, request.Text!, request.Language ?? KbLanguages.Detect(request.Text!, null), lookup, clock, ct));
    }

    /// <summary>
    /// One message of the test console (shared with the admin page): the customer's handoff request and cancel words
    /// apply as in a chat; the flow runs whether or not it is enabled, against its real lookup.
    /// </summary>
    public static async Task<FlowTryResult> TryAsync(BotFlow flow, FlowRun? run, string text, string language, FlowLookup lookup, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var triggered = FlowTriggers.Score(flow, text, language) > 0;
        if (HandoffPolicy.Decide(HandoffRules.Default, HandoffPolicy.Signals(text, 0, false)) is { HandOff: true } early)
        {
            return new FlowTryResult(triggered, FlowStatus.HandOff, [Assistant.BotReplies.Handoff(early.Reason, run?.Language ?? language)], null, [], early.Reason, "the customer's own signal");
        }

        var turn = run is null ? FlowMachine.Start(flow, language, now) : FlowMachine.Answer(flow, run, text, now);
        var round = await FlowRounds.CompleteAsync(flow, turn, lookup, clock, ct);
        var t = round.Turn;
        var replies = t.Replies.ToList();
        var lang = t.Run?.Language ?? run?.Language ?? language;
        if (t.Status == FlowStatus.Cancelled)
        {
            replies.Add(FlowRounds.Cancelled(lang));
        }
        else if (t.Status == FlowStatus.HandOff)
        {
            replies.Add(t.HandoffMessage ?? Assistant.BotReplies.Handoff(t.Handoff, lang));
        }

        var lookups = round.Lookups.Select(c => new LookupCallDto(WireName.Of(c.Method), c.Url, WireName.Of(c.Result.Status), c.StatusCode, c.ElapsedMs, c.Tries, c.Error,
            Mapped(flow, c))).ToList();
        return new FlowTryResult(triggered, t.Status, replies, t.Status == FlowStatus.WaitingForAnswer ? t.Run : null, lookups, t.Handoff, t.Detail);
    }

    /// <summary>The values the lookup's answer gives the flow's mapping (shown in the console).</summary>
    private static IReadOnlyDictionary<string, string> Mapped(BotFlow flow, LookupCall call)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (call.Result is { Status: LookupStatus.Found, Json: { } json } && flow.Step(call.StepId) is { } step)
        {
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(json);
                foreach (var m in step.Map)
                {
                    values[m.Variable] = FlowText.Read(doc.RootElement, m.Path) ?? "";
                }
            }
            catch (System.Text.Json.JsonException)
            {
                values["(error)"] = "the answer is not JSON";
            }
        }

        return values;
    }
}
