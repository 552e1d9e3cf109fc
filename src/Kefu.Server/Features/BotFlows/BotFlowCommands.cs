using Kefu.Server.Infrastructure;
using Kefu.Core.Bot.Flows;
using Kefu.Core.Common;
using Kefu.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.BotFlows;

/// <summary>
/// A flow step as the API reads and writes it. <c>secret</c> is write-only: the lookup's header value (e.g.
/// "Bearer …"); it is never returned (<c>hasSecret</c> says one is stored). On save, a lookup step whose
/// <c>secret</c> is absent keeps the secret stored for the step with the same id; "" removes it.
/// </summary>
public sealed record FlowStepBody
{
    public string? Id { get; init; }

    public FlowStepKind Kind { get; init; }

    public string? Next { get; init; }

    public string? Slot { get; init; }

    public SlotType SlotType { get; init; }

    public string? Pattern { get; init; }

    public string? PromptZh { get; init; }

    public string? PromptEn { get; init; }

    public string? RetryZh { get; init; }

    public string? RetryEn { get; init; }

    public int? MaxAttempts { get; init; }

    public string? Url { get; init; }

    public LookupMethod Method { get; init; }

    public string? HeaderName { get; init; }

    public string? Secret { get; init; }

    public bool HasSecret { get; init; }

    public int? TimeoutSeconds { get; init; }

    public int? Retries { get; init; }

    public IReadOnlyList<FlowMapping>? Map { get; init; }

    public string? OnNotFound { get; init; }

    public string? OnError { get; init; }

    public string? TextZh { get; init; }

    public string? TextEn { get; init; }

    public string? Reason { get; init; }

    public static FlowStepBody From(FlowStep s) => new()
    {
        Id = s.Id, Kind = s.Kind, Next = s.Next, Slot = s.Slot, SlotType = s.SlotType, Pattern = s.Pattern, PromptZh = s.PromptZh, PromptEn = s.PromptEn,
        RetryZh = s.RetryZh, RetryEn = s.RetryEn, MaxAttempts = s.MaxAttempts, Url = s.Url, Method = s.Method, HeaderName = s.HeaderName,
        HasSecret = !string.IsNullOrEmpty(s.SecretProtected), TimeoutSeconds = s.TimeoutSeconds, Retries = s.Retries, Map = s.Map,
        OnNotFound = s.OnNotFound, OnError = s.OnError, TextZh = s.TextZh, TextEn = s.TextEn, Reason = s.Reason,
    };

    /// <summary>The step to store; <paramref name="storedSecret"/> is the protected secret of the step with this id before the save.</summary>
    public FlowStep ToStep(string? storedSecret, FlowSecrets secrets) => new()
    {
        Id = Id ?? "", Kind = Kind, Next = Next, Slot = Slot, SlotType = SlotType, Pattern = Pattern, PromptZh = PromptZh, PromptEn = PromptEn,
        RetryZh = RetryZh, RetryEn = RetryEn, MaxAttempts = MaxAttempts ?? 3, Url = Url, Method = Method, HeaderName = HeaderName,
        SecretProtected = Kind != FlowStepKind.Lookup || string.IsNullOrWhiteSpace(HeaderName) ? null
            : Secret is null ? storedSecret : Secret.Length == 0 ? null : secrets.Protect(Secret),
        TimeoutSeconds = TimeoutSeconds ?? 5, Retries = Retries ?? 0, Map = Map?.Where(m => m is not null).ToList() ?? [],
        OnNotFound = OnNotFound, OnError = OnError, TextZh = TextZh, TextEn = TextEn, Reason = Reason,
    };
}

/// <summary>A flow as the API returns it. <c>ready</c>: the definition is complete enough to be enabled.</summary>
public sealed record BotFlowDto(
    Guid Id, string Name, bool Enabled, bool Ready, IReadOnlyList<Guid> InboxIds, IReadOnlyList<string> TriggersZh, IReadOnlyList<string> TriggersEn,
    string? FaqKey, IReadOnlyList<FlowStepBody> Steps, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static BotFlowDto From(BotFlow f) => new(f.Id, f.Name, f.Enabled, BotFlow.Validate(f.Content with { Enabled = true }).IsEmpty, f.InboxIds,
        f.TriggersZh, f.TriggersEn, f.FaqKey, f.Steps.Select(FlowStepBody.From).ToList(), f.CreatedAt, f.UpdatedAt);
}

/// <summary>A whole flow definition (create or replace). <c>inboxIds</c> empty or absent: every chat inbox.</summary>
public sealed record BotFlowRequest(
    string? Name, bool? Enabled, IReadOnlyList<Guid>? InboxIds, IReadOnlyList<string>? TriggersZh, IReadOnlyList<string>? TriggersEn, string? FaqKey,
    IReadOnlyList<FlowStepBody>? Steps)
{
    public static BotFlowRequest FromDto(BotFlowDto f) => new(f.Name, f.Enabled, f.InboxIds, f.TriggersZh, f.TriggersEn, f.FaqKey, f.Steps);

    public static BotFlowRequest From(BotFlow f) => new(f.Name, f.Enabled, f.InboxIds, f.TriggersZh, f.TriggersEn, f.FaqKey, f.Steps.Select(FlowStepBody.From).ToList());
}

/// <summary>A lookup's header secret (see <see cref="StoredSecrets"/>).</summary>
public sealed class FlowSecrets(IDataProtectionProvider provider) : StoredSecrets(provider, "Kefu.BotFlows.LookupSecrets.v1");

/// <summary>Saving flows, shared by the API and the admin page.</summary>
public static class BotFlowCommands
{
    public const string Entity = "bot_flow";

    /// <summary>Builds the definition a request describes; the stored secrets of <paramref name="existing"/> carry over by step id.</summary>
    public static async Task<Result<BotFlowContent>> ContentAsync(KefuDbContext db, BotFlowRequest r, BotFlow? existing, FlowSecrets secrets, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var bodies = r.Steps ?? [];
        var steps = new List<FlowStep>();
        for (var i = 0; i < bodies.Count; i++)
        {
            var body = bodies[i];
            if (body is null)
            {
                errors.Add($"steps[{i}]", "must be a step object.");
                continue;
            }

            if (body.Kind == FlowStepKind.Lookup && !string.IsNullOrEmpty(body.Secret) && string.IsNullOrWhiteSpace(body.HeaderName))
            {
                errors.Add($"steps[{i}].headerName", "is required to send a secret (e.g. Authorization or X-Api-Key).");
            }

            if (body.Secret?.Length > 2_000)
            {
                errors.Add($"steps[{i}].secret", "must be at most 2000 characters.");
            }

            steps.Add(body.ToStep(existing?.Step(body.Id?.Trim() ?? "")?.SecretProtected, secrets));
        }

        var inboxes = (r.InboxIds ?? []).Distinct().ToList();
        if (inboxes.Count > 0)
        {
            var known = await db.ChatInboxes.AsNoTracking().Where(i => inboxes.Contains(i.Id)).Select(i => i.Id).ToListAsync(ct);
            foreach (var missing in inboxes.Except(known))
            {
                errors.Add("inboxIds", $"no chat inbox has the id {missing}.");
            }
        }

        var content = new BotFlowContent(r.Name, r.Enabled ?? false, inboxes, r.TriggersZh, r.TriggersEn, r.FaqKey, steps);
        errors.Include(BotFlow.Validate(content).ToError());
        if (r.Name is { } name && await db.BotFlows.AsNoTracking().AnyAsync(f => f.Name == name.Trim() && f.Id != (existing == null ? Guid.Empty : existing.Id), ct))
        {
            errors.Add("name", "another flow has this name.");
        }

        return errors.ToError() is { } invalid ? invalid : content;
    }

    public static async Task<Result<BotFlow>> CreateAsync(KefuDbContext db, FlowSecrets secrets, Actor actor, DateTimeOffset now, BotFlowRequest request, CancellationToken ct)
    {
        var content = await ContentAsync(db, request, null, secrets, ct);
        if (!content.IsOk)
        {
            return content.Error!;
        }

        var created = BotFlow.Create(Guid.NewGuid(), content.Value, now);
        if (!created.IsOk)
        {
            return created.Error!;
        }

        db.BotFlows.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(actor, now, Entity, created.Value.Id, "created", new FieldChange("name", null, created.Value.Name)));
        return await SaveAsync(db, created.Value, ct);
    }

    public static async Task<Result<BotFlow>> UpdateAsync(KefuDbContext db, FlowSecrets secrets, Actor actor, DateTimeOffset now, Guid id, BotFlowRequest request, CancellationToken ct)
    {
        var flow = await db.BotFlows.FirstOrDefaultAsync(f => f.Id == id, ct);
        if (flow is null)
        {
            return new NotFound("Bot flow", id.ToString());
        }

        var content = await ContentAsync(db, request, flow, secrets, ct);
        if (!content.IsOk)
        {
            return content.Error!;
        }

        var wasEnabled = flow.Enabled;
        var applied = flow.Apply(content.Value, now);
        if (!applied.IsOk)
        {
            return applied.Error!;
        }

        db.Activities.Add(ActivityEntry.Create(actor, now, Entity, id, "updated", wasEnabled != flow.Enabled ? new FieldChange("enabled", wasEnabled.ToString(), flow.Enabled.ToString()) : null));
        return await SaveAsync(db, flow, ct);
    }

    /// <summary>Creates a flow from a shipped template, disabled, named uniquely ("订单查询 · Order status (2)").</summary>
    public static async Task<Result<BotFlow>> CreateFromTemplateAsync(KefuDbContext db, FlowSecrets secrets, Actor actor, DateTimeOffset now, string key, CancellationToken ct)
    {
        if (key != FlowTemplates.OrderStatusKey)
        {
            return new NotFound("Flow template", key);
        }

        var template = FlowTemplates.OrderStatus();
        var names = await db.BotFlows.AsNoTracking().Where(f => f.Name.StartsWith(template.Name!)).Select(f => f.Name).ToListAsync(ct);
        var name = template.Name!;
        for (var n = 2; names.Contains(name); n++)
        {
            name = $"{template.Name} ({n})";
        }

        var request = new BotFlowRequest(name, false, [], template.TriggersZh, template.TriggersEn, null, template.Steps!.Select(FlowStepBody.From).ToList());
        return await CreateAsync(db, secrets, actor, now, request, ct);
    }

    public static async Task<Result<bool>> DeleteAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, CancellationToken ct)
    {
        var flow = await db.BotFlows.FirstOrDefaultAsync(f => f.Id == id, ct);
        if (flow is null)
        {
            return new NotFound("Bot flow", id.ToString());
        }

        db.BotFlows.Remove(flow);
        db.Activities.Add(ActivityEntry.Create(actor, now, Entity, id, "deleted", new FieldChange("name", flow.Name, null)));
        await db.SaveChangesAsync(ct);
        return true;
    }

    private static async Task<Result<BotFlow>> SaveAsync(KefuDbContext db, BotFlow flow, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return flow;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return Invalid.Field("name", "another flow has this name.");
        }
    }
}
