using System.Security.Claims;
using Kefu.Core.Agents;
using Kefu.Core.Authority;
using Kefu.Core.Common;
using Kefu.Core.Tickets;
using Kefu.Core.Workspace;
using Kefu.Core.Webhooks;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Webhooks;
using Kefu.Server.Features.Promises;
using Kefu.Server.Features.Routing;
using Kefu.Server.Infrastructure;
using Kefu.Server.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Authority;

public sealed record AuthorityLimitsDto(string Currency, long AgentLimit, long SupervisorLimit, long? AdminLimit, DateTimeOffset UpdatedAt)
{
    public static AuthorityLimitsDto From(AuthorityLimits l) => new(l.Currency, l.AgentLimit, l.SupervisorLimit, l.AdminLimit, l.UpdatedAt);
}

/// <summary>Limits in minor units (fen, cents); adminLimit null means admins may grant any amount.</summary>
public sealed record AuthorityLimitsRequest(string? Currency, long? AgentLimit, long? SupervisorLimit, long? AdminLimit);

public sealed record CompensationDto(
    Guid Id, Guid ConversationId, long ConversationNumber, CompensationKind Kind, long Amount, string Currency, string Reason, Guid RequestedById, string RequestedByName,
    ApprovalStatus Status, Guid? DecidedById, string? DecidedByName, string? DecisionNote, DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt);

public sealed record CompensationRequestBody(CompensationKind? Kind, long? Amount, string? Reason);

public sealed record DecisionRequest(string? Note);

/// <summary>
/// Delegated authority: agents grant compensation or refunds up to their role's limit at once; above it the request
/// waits for a supervisor whose limit covers it (approve/reject). Every request and decision is recorded on the
/// conversation (activity and an internal note) and told to the people concerned (notifications).
/// </summary>
public static class AuthorityEndpoints
{
    public static void MapAuthorityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/authority-limits", GetLimits).RequireAuthorization(Policies.DirectoryRead).WithTags("Approvals")
            .WithSummary("How much each role may grant on its own, in minor units of the currency.");
        app.MapPut("/api/v1/authority-limits", PutLimits).RequireAuthorization(Policies.Admin).WithTags("Approvals").WithSummary("Set the per-role limits (admins).");

        var conversation = app.MapGroup("/api/v1/conversations/{id:guid}").WithTags("Conversations").AddEndpointFilter(ConversationEndpoints.VisibleOnly);
        conversation.MapGet("/compensations", ForConversation).RequireAuthorization(Policies.ConversationsRead).WithSummary("Compensation and refund requests on the conversation.");
        conversation.MapPost("/compensations", Request).RequireAuthorization(Policies.ConversationsWrite)
            .WithSummary("Grant a compensation or refund (kind, amount in minor units, reason): approved at once within the caller's limit, else pending a supervisor.");

        var approvals = app.MapGroup("/api/v1/compensations").WithTags("Approvals");
        approvals.MapGet("", Pending).RequireAuthorization(Policies.Approve).WithSummary("Requests waiting for approval (supervisors).");
        approvals.MapPost("/{requestId:guid}/approve", Approve).RequireAuthorization(Policies.Approve).WithSummary("Approve a pending request within your own limit (supervisors).");
        approvals.MapPost("/{requestId:guid}/reject", Reject).RequireAuthorization(Policies.Approve).WithSummary("Reject a pending request (supervisors).");
    }

    public static async Task<AuthorityLimits> LimitsAsync(KefuDbContext db, CancellationToken ct) =>
        await db.AuthorityLimits.AsNoTracking().FirstOrDefaultAsync(ct) ?? AuthorityLimits.Default(DateTimeOffset.UnixEpoch);

    private static async Task<Ok<AuthorityLimitsDto>> GetLimits(KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok(AuthorityLimitsDto.From(await LimitsAsync(db, ct)));

    private static async Task<Results<Ok<AuthorityLimitsDto>, ProblemHttpResult>> PutLimits(AuthorityLimitsRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await SaveLimitsAsync(db, user.ToActor(), clock.GetUtcNow(), request, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    public static async Task<Result<AuthorityLimitsDto>> SaveLimitsAsync(KefuDbContext db, Actor actor, DateTimeOffset now, AuthorityLimitsRequest request, CancellationToken ct)
    {
        var limits = await db.AuthorityLimits.FirstOrDefaultAsync(ct);
        var isNew = limits is null;
        limits ??= AuthorityLimits.Default(now);
        var set = limits.Set(request.Currency, request.AgentLimit, request.SupervisorLimit, request.AdminLimit, now);
        if (!set.IsOk)
        {
            return set.Error!;
        }

        if (isNew)
        {
            db.AuthorityLimits.Add(limits);
        }

        db.Activities.Add(ActivityEntry.Create(actor, now, "authority", Guid.Empty, "limits_set",
            new("limits", null, $"agent={limits.AgentLimit} supervisor={limits.SupervisorLimit} admin={limits.AdminLimit?.ToString() ?? "none"} {limits.Currency}")));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return new Conflict("The limits were created at the same time. Save again.");
        }

        return AuthorityLimitsDto.From(limits);
    }

    private static async Task<Ok<List<CompensationDto>>> ForConversation(Guid id, KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await ListAsync(db, ct, conversationId: id));

    private static async Task<Ok<List<CompensationDto>>> Pending(KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await ListAsync(db, ct, pendingOnly: true));

    private static async Task<Results<Created<CompensationDto>, ProblemHttpResult>> Request(
        Guid id, CompensationRequestBody body, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, RealtimePublisher realtime, CancellationToken ct)
    {
        var result = await RequestAsync(db, user.ToActor(), user.AgentRole(), clock.GetUtcNow(), id, body, realtime, ct);
        return result.IsOk ? TypedResults.Created($"/api/v1/compensations/{result.Value.Id}", result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<CompensationDto>, ProblemHttpResult>> Approve(
        Guid requestId, DecisionRequest? body, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, RealtimePublisher realtime, CancellationToken ct)
    {
        var result = await DecideAsync(db, user.ToActor(), user.AgentRole(), clock.GetUtcNow(), requestId, true, body?.Note, realtime, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<CompensationDto>, ProblemHttpResult>> Reject(
        Guid requestId, DecisionRequest? body, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, RealtimePublisher realtime, CancellationToken ct)
    {
        var result = await DecideAsync(db, user.ToActor(), user.AgentRole(), clock.GetUtcNow(), requestId, false, body?.Note, realtime, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    /// <summary>Creates the request; the note's transaction also saves the request, its activity and the approvers' notifications.</summary>
    public static async Task<Result<CompensationDto>> RequestAsync(
        KefuDbContext db, Actor actor, AgentRole role, DateTimeOffset now, Guid conversationId, CompensationRequestBody body, RealtimePublisher realtime, CancellationToken ct)
    {
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == conversationId, ct);
        if (conversation is null)
        {
            return new NotFound("Conversation", conversationId.ToString());
        }

        var limits = await LimitsAsync(db, ct);
        var created = CompensationRequest.Create(Guid.CreateVersion7(now), conversationId, body.Kind, body.Amount, body.Reason, actor, role, limits, now);
        if (!created.IsOk)
        {
            return created.Error!;
        }

        var request = created.Value;
        db.CompensationRequests.Add(request);
        var amount = CompensationRequest.Format(request.Amount, request.Currency);
        db.Activities.Add(ActivityEntry.Create(actor, now, "conversation", conversationId, "compensation_requested", new(WireName.Of(request.Kind), null, $"{amount} {WireName.Of(request.Status)}")));
        var notifications = new List<Notification>();
        if (request.Status == ApprovalStatus.Pending)
        {
            var approvers = await db.Agents.AsNoTracking().Where(a => a.IsActive && a.Role != AgentRole.Agent && a.Id != actor.Id).ToListAsync(ct);
            var able = approvers.Where(a => limits.Covers(a.Role, request.Amount)).ToList();
            var ofTeam = able.Where(a => conversation.TeamId is { } t && a.TeamIds.Contains(t)).ToList();
            notifications.AddRange((ofTeam.Count > 0 ? ofTeam : able).Select(a => Notification.Create(a.Id, NotificationKind.Approval, conversationId, conversation.Number,
                Clip(actor.Name), $"{WireName.Of(request.Kind)} {amount}: {request.Reason}", now)));
            db.Notifications.AddRange(notifications);
        }

        var text = request.Status == ApprovalStatus.Approved
            ? $"{Label(request.Kind)} {amount} — {request.Reason}（权限内已批准 / approved within limit）"
            : $"{Label(request.Kind)} {amount} — {request.Reason}（超出权限，待主管审批 / awaiting supervisor approval）";
        await WebhookOutbox.CompensationAsync(db, WebhookEvents.CompensationRequested, now, Event(request, conversation.Number, actor.Name, null, now), ct);
        var noted = await ConversationCommands.AddMessageAsync(db, actor, now, conversationId, new NewMessage(MessageKind.Note, text, null, $"compensation:{request.Id:N}:requested", null), ct);
        if (!noted.IsOk)
        {
            return noted.Error!;
        }

        await realtime.MessageCreatedAsync(noted.Value.Conversation, noted.Value.Message);
        await PromiseTimerJob.NotifyAsync(realtime, notifications);
        return (await ListAsync(db, ct, requestId: request.Id)).Single();
    }

    private static CompensationEvent Event(CompensationRequest r, long number, string requestedBy, string? decidedBy, DateTimeOffset now) => new(
        r.Id, r.ConversationId, number, WireName.Of(r.Kind), r.Amount, r.Currency, r.Reason, WireName.Of(r.Status), requestedBy, decidedBy, r.DecisionNote, now);

    public static async Task<Result<CompensationDto>> DecideAsync(
        KefuDbContext db, Actor actor, AgentRole role, DateTimeOffset now, Guid requestId, bool approve, string? note, RealtimePublisher realtime, CancellationToken ct)
    {
        var request = await db.CompensationRequests.FirstOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null)
        {
            return new NotFound("Compensation request", requestId.ToString());
        }

        var decided = request.Decide(approve, actor, role, await LimitsAsync(db, ct), note, now);
        if (!decided.IsOk)
        {
            return decided.Error!;
        }

        var conversation = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == request.ConversationId, ct);
        var amount = CompensationRequest.Format(request.Amount, request.Currency);
        db.Activities.Add(ActivityEntry.Create(actor, now, "conversation", request.ConversationId, approve ? "compensation_approved" : "compensation_rejected", decided.Value));
        var notification = Notification.Create(request.RequestedById, NotificationKind.Approval, request.ConversationId, conversation.Number, Clip(actor.Name),
            $"{(approve ? "approved" : "rejected")}: {WireName.Of(request.Kind)} {amount}{(request.DecisionNote is { } n ? " — " + n : "")}", now);
        db.Notifications.Add(notification);
        var text = $"{Label(request.Kind)} {amount} {(approve ? "已批准 / approved" : "已驳回 / rejected")}{(request.DecisionNote is { } reason ? "：" + reason : "")}";
        var requester = await db.Agents.AsNoTracking().Where(a => a.Id == request.RequestedById).Select(a => a.DisplayName).FirstOrDefaultAsync(ct) ?? "";
        await WebhookOutbox.CompensationAsync(db, WebhookEvents.CompensationDecided, now, Event(request, conversation.Number, requester, actor.Name, now), ct);
        try
        {
            var noted = await ConversationCommands.AddMessageAsync(db, actor, now, request.ConversationId,
                new NewMessage(MessageKind.Note, text, null, $"compensation:{request.Id:N}:decided", null), ct);
            if (!noted.IsOk)
            {
                return noted.Error!;
            }

            await realtime.MessageCreatedAsync(noted.Value.Conversation, noted.Value.Message);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Conflict("Someone decided on this request at the same time. Reload it.");
        }

        await PromiseTimerJob.NotifyAsync(realtime, [notification]);
        return (await ListAsync(db, ct, requestId: request.Id)).Single();
    }

    public static async Task<List<CompensationDto>> ListAsync(KefuDbContext db, CancellationToken ct, Guid? conversationId = null, Guid? requestId = null, bool pendingOnly = false)
    {
        var query = from r in db.CompensationRequests.AsNoTracking()
                    join c in db.Conversations.AsNoTracking() on r.ConversationId equals c.Id
                    select new { r, c.Number };
        query = conversationId is { } cid ? query.Where(x => x.r.ConversationId == cid) : query;
        query = requestId is { } rid ? query.Where(x => x.r.Id == rid) : query;
        query = pendingOnly ? query.Where(x => x.r.Status == ApprovalStatus.Pending) : query;
        var rows = await query.OrderBy(x => x.r.CreatedAt).Take(500).ToListAsync(ct);
        return rows.Select(x => new CompensationDto(x.r.Id, x.r.ConversationId, x.Number, x.r.Kind, x.r.Amount, x.r.Currency, x.r.Reason, x.r.RequestedById, x.r.RequestedByName,
            x.r.Status, x.r.DecidedById, x.r.DecidedByName, x.r.DecisionNote, x.r.CreatedAt, x.r.DecidedAt)).ToList();
    }

    private static string Label(CompensationKind kind) => kind switch
    {
        CompensationKind.Compensation => "补偿 / Compensation",
        CompensationKind.Refund => "退款 / Refund",
    };

    private static string Clip(string value) => value.Length <= Limits.Name ? value : value[..Limits.Name];
}
