using System.Security.Claims;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Core.Common;
using Kefu.Server.Features.Auth;
using Kefu.Server.Infrastructure;
using Kefu.Server.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Conversations;

public sealed record ConversationListQuery(
    string[]? Status, string? Assignee, Guid? Team, Guid? Category, string? Tag, string? Channel, Guid? Customer,
    string? Priority, string? Q, int? Limit, string? Cursor);

public static class ConversationEndpoints
{
    public static void MapConversationEndpoints(this IEndpointRouteBuilder app)
    {
        // An agent sees only what their role allows (Core ConversationAccess): a conversation they may not see
        // answers 404, exactly like a missing one.
        var group = app.MapGroup("/api/v1/conversations").WithTags("Conversations").AddEndpointFilter(VisibleOnly);
        group.MapGet("", List).RequireAuthorization(Policies.ConversationsRead)
            .WithSummary("List conversations, newest activity first, with filters, search and keyset pagination.");
        group.MapPost("", Create).RequireAuthorization(Policies.ConversationsWrite)
            .WithSummary("Create a conversation with its first message; the customer is found or created by identity. Idempotent by message.clientMessageId.");
        group.MapGet("/{idOrNumber}", Get).RequireAuthorization(Policies.ConversationsRead)
            .WithSummary("Get a conversation by id or number (10042 or #10042) with its messages; the ETag is its version.");
        group.MapPatch("/{id:guid}", Update).RequireAuthorization(Policies.ConversationsWrite)
            .WithSummary("Change status, priority, category, tags, assignee, team or subject. Send If-Match with the version to detect concurrent changes (409).");
        group.MapPost("/{id:guid}/messages", AddMessage).RequireAuthorization(Policies.ConversationsWrite)
            .WithSummary("Add a reply (outbound), an internal note, or a customer message (inbound). Idempotent by clientMessageId.");
        group.MapPost("/{id:guid}/merge", Merge).RequireAuthorization(Policies.ConversationsWrite)
            .WithSummary("Merge this conversation into targetId: its messages move there and it is closed, pointing to the target.");
        group.MapGet("/{id:guid}/activity", Activity).RequireAuthorization(Policies.ConversationsRead)
            .WithSummary("The activity trail: who changed what, when, before and after.");
    }

    internal static async ValueTask<object?> VisibleOnly(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var route = http.Request.RouteValues;
        var key = route["id"]?.ToString() ?? route["idOrNumber"]?.ToString();
        if (key is null)
        {
            return await next(context);
        }

        var db = http.RequestServices.GetRequiredService<KefuDbContext>();
        var viewer = await ConversationViewer.LoadAsync(db, http.User.AgentId(), http.RequestAborted);
        var query = db.Conversations.AsNoTracking();
        query = Guid.TryParse(key, out var id) ? query.Where(c => c.Id == id)
            : long.TryParse(key.TrimStart('#'), out var number) ? query.Where(c => c.Number == number)
            : query.Where(_ => false);
        return viewer is not null && await ConversationQueries.VisibleTo(query, viewer).AnyAsync(http.RequestAborted)
            ? await next(context)
            : Problems.From(new NotFound("Conversation", key));
    }

    private static async Task<Results<Ok<Page<ConversationDto>>, ProblemHttpResult>> List(
        [AsParameters] ConversationListQuery query, KefuDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var statuses = (query.Status ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries))
            .Select(s => Wire.Enum<ConversationStatus>(s, "status", errors)).OfType<ConversationStatus>().ToList();
        var filter = new ConversationFilter(
            statuses, query.Assignee, query.Team, query.Category, query.Tag, Wire.Enum<Channel>(query.Channel, "channel", errors),
            query.Customer, Wire.Enum<Priority>(query.Priority, "priority", errors), query.Q, query.Limit ?? 25, query.Cursor);
        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        if (await ConversationViewer.LoadAsync(db, user.AgentId(), ct) is not { } viewer)
        {
            return Problems.From(new Forbidden("This agent is deactivated."));
        }

        var page = await ConversationQueries.ListAsync(db, filter with { VisibleTo = viewer }, user.AgentId(), ct);
        return page.IsOk ? TypedResults.Ok(page.Value) : Problems.From(page.Error!);
    }

    private static async Task<Results<Created<ConversationDetail>, Ok<ConversationDetail>, ProblemHttpResult>> Create(
        CreateConversationRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, RealtimePublisher realtime, CancellationToken ct)
    {
        var result = await ConversationCommands.CreateAsync(db, user.ToActor(), clock.GetUtcNow(), request, ct);
        if (!result.IsOk)
        {
            return Problems.From(result.Error!);
        }

        var (detail, created) = result.Value;
        if (created)
        {
            await realtime.MessageCreatedAsync(detail.Conversation, detail.Messages[0]);
        }

        return created ? TypedResults.Created($"/api/v1/conversations/{detail.Conversation.Id}", detail) : TypedResults.Ok(detail);
    }

    private static async Task<Results<Ok<ConversationDetail>, ProblemHttpResult>> Get(
        string idOrNumber, KefuDbContext db, HttpResponse response, CancellationToken ct)
    {
        var detail = await ConversationQueries.GetAsync(db, idOrNumber, ct);
        if (detail is null)
        {
            return Problems.From(new NotFound("Conversation", idOrNumber));
        }

        response.Headers.ETag = Wire.ETag(detail.Conversation.Version);
        return TypedResults.Ok(detail);
    }

    private static async Task<Results<Ok<ConversationDto>, ProblemHttpResult>> Update(
        Guid id, UpdateConversationRequest patch, HttpRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, RealtimePublisher realtime, CancellationToken ct)
    {
        var version = Wire.IfMatch(request);
        if (!version.IsOk)
        {
            return Problems.From(version.Error!);
        }

        var result = await ConversationCommands.UpdateAsync(db, user.ToActor(), clock.GetUtcNow(), id, version.Value, patch.ToPatch(), ct);
        if (!result.IsOk)
        {
            return Problems.From(result.Error!);
        }

        await realtime.ConversationChangedAsync(result.Value);
        request.HttpContext.Response.Headers.ETag = Wire.ETag(result.Value.Version);
        return TypedResults.Ok(result.Value);
    }

    private static async Task<Results<Created<MessageDto>, Ok<MessageDto>, ProblemHttpResult>> AddMessage(
        Guid id, NewMessage message, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, RealtimePublisher realtime, CancellationToken ct)
    {
        var result = await ConversationCommands.AddMessageAsync(db, user.ToActor(), clock.GetUtcNow(), id, message, ct);
        if (!result.IsOk)
        {
            return Problems.From(result.Error!);
        }

        var (dto, conversation, created) = result.Value;
        if (created)
        {
            await realtime.MessageCreatedAsync(conversation, dto);
        }

        return created ? TypedResults.Created($"/api/v1/conversations/{id}", dto) : TypedResults.Ok(dto);
    }

    private static async Task<Results<Ok<ConversationDto>, ProblemHttpResult>> Merge(
        Guid id, MergeRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, RealtimePublisher realtime, CancellationToken ct)
    {
        var viewer = await ConversationViewer.LoadAsync(db, user.AgentId(), ct);
        if (request.TargetId is { } target && (viewer is null || !await ConversationQueries.VisibleTo(db.Conversations.Where(c => c.Id == target), viewer).AnyAsync(ct)))
        {
            return Problems.From(Invalid.Field("targetId", $"no conversation has the id {target}."));
        }

        var result = await ConversationCommands.MergeAsync(db, user.ToActor(), clock.GetUtcNow(), id, request.TargetId, ct);
        if (!result.IsOk)
        {
            return Problems.From(result.Error!);
        }

        await realtime.ConversationChangedAsync(result.Value);
        if (await ConversationQueries.SummaryAsync(db, id, ct) is { } source)
        {
            await realtime.ConversationChangedAsync(source);
        }

        return TypedResults.Ok(result.Value);
    }

    private static async Task<Results<Ok<List<ActivityDto>>, ProblemHttpResult>> Activity(Guid id, KefuDbContext db, CancellationToken ct)
    {
        if (!await db.Conversations.AnyAsync(c => c.Id == id, ct))
        {
            return Problems.From(new NotFound("Conversation", id.ToString()));
        }

        return TypedResults.Ok(await ActivityDto.ForAsync(db, "conversation", id, ct));
    }
}

public sealed record ActivityDto(DateTimeOffset At, ActorKind ActorKind, Guid? ActorId, string ActorName, string Action, string? Field, string? Before, string? After)
{
    public static Task<List<ActivityDto>> ForAsync(KefuDbContext db, string entityType, Guid id, CancellationToken ct) =>
        db.Activities.AsNoTracking()
            .Where(a => a.EntityType == entityType && a.EntityId == id)
            .OrderBy(a => a.At).ThenBy(a => a.Id)
            .Select(a => new ActivityDto(a.At, a.ActorKind, a.ActorId, a.ActorName, a.Action, a.Field, a.Before, a.After))
            .ToListAsync(ct);
}
