using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using System.Security.Claims;

namespace Kefu.Server.Features.Customers;

public static class CustomerEndpoints
{
    public static void MapCustomerEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/customers").WithTags("Customers");
        group.MapGet("", List).RequireAuthorization(Policies.CustomersRead)
            .WithSummary("List or search customers (q matches name and identities, in any language); keyset pagination.");
        group.MapPost("", Create).RequireAuthorization(Policies.CustomersWrite)
            .WithSummary("Create a customer with identities; an identity that belongs to someone else is a 409.");
        group.MapGet("/{id:guid}", Get).RequireAuthorization(Policies.CustomersRead)
            .WithSummary("Get a customer with identities; a merged customer names the one it was merged into.");
        group.MapPatch("/{id:guid}", Update).RequireAuthorization(Policies.CustomersWrite)
            .WithSummary("Change name, language, attributes or tags. Send If-Match with the version to detect concurrent changes.");
        group.MapPost("/{id:guid}/identities", AddIdentity).RequireAuthorization(Policies.CustomersWrite)
            .WithSummary("Add an identity (e-mail, phone, visitor id, or external id with its source).");
        group.MapDelete("/{id:guid}/identities/{identityId:guid}", RemoveIdentity).RequireAuthorization(Policies.CustomersWrite)
            .WithSummary("Remove an identity.");
        group.MapPost("/{id:guid}/merge", Merge).RequireAuthorization(Policies.CustomersMerge)
            .WithSummary("Merge this duplicate into targetId (supervisors): identities and conversations move to the target.");
        group.MapGet("/{id:guid}/conversations", Conversations).RequireAuthorization(Policies.ConversationsRead)
            .WithSummary("The customer's conversations on every channel, newest activity first.");
        group.MapGet("/{id:guid}/activity", Activity).RequireAuthorization(Policies.CustomersRead)
            .WithSummary("The customer's activity trail.");
    }

    private static async Task<Results<Ok<Page<CustomerDto>>, ProblemHttpResult>> List(
        string? q, string? kind, string? source, string? value, int? limit, string? cursor, KefuDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors().MaxLength("q", q, 200);
        var identityKind = Wire.Enum<IdentityKind>(kind, "kind", errors);
        var take = limit ?? 25;
        if (take is < 1 or > 100)
        {
            errors.Add("limit", "must be between 1 and 100.");
        }

        var after = Cursor.DecodeId(cursor);
        if (cursor is not null && after is null)
        {
            errors.Add("cursor", "is not a cursor this server issued; start again without it.");
        }

        (string Source, string Value)? identity = null;
        if (identityKind is not null)
        {
            var key = CustomerIdentity.Normalize(identityKind.Value, source, value);
            if (key.IsOk)
            {
                identity = key.Value;
            }
            else
            {
                errors.Add("value", "is required with kind and must be a valid identity of that kind.");
            }
        }

        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        var query = db.Customers.AsNoTracking().Include(c => c.Identities).Where(c => c.MergedIntoId == null);
        if (identity is { } exact)
        {
            query = query.Where(c => c.Identities.Any(i => i.Kind == identityKind && i.Source == exact.Source && i.Value == exact.Value));
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            var pattern = "%" + q.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            query = db.IsPostgres
                ? query.Where(c => EF.Functions.ILike(c.Name!, pattern, "\\") || c.Identities.Any(i => EF.Functions.ILike(i.Value, pattern, "\\")))
                : query.Where(c => EF.Functions.Like(c.Name!, pattern, "\\") || c.Identities.Any(i => EF.Functions.Like(i.Value, pattern, "\\")));
        }

        if (after is { } a)
        {
            // Keyset on (UpdatedAt, Id), the sort order: the id breaks ties, so customers sharing a timestamp are neither skipped nor repeated.
            query = query.Where(c => c.UpdatedAt < a.At || (c.UpdatedAt == a.At && c.Id.CompareTo(a.Id) < 0));
        }

        var rows = await query.OrderByDescending(c => c.UpdatedAt).ThenByDescending(c => c.Id).Take(take + 1).ToListAsync(ct);
        var items = rows.Take(take).Select(CustomerDto.From).ToList();
        var next = rows.Count > take ? Cursor.Encode(items[^1].UpdatedAt, items[^1].Id) : null;
        return TypedResults.Ok(new Page<CustomerDto>(items, next));
    }

    private static async Task<Results<Created<CustomerDto>, ProblemHttpResult>> Create(
        CreateCustomerRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await CustomerCommands.CreateAsync(db, user.ToActor(), clock.GetUtcNow(), request, ct);
        return result.IsOk ? TypedResults.Created($"/api/v1/customers/{result.Value.Id}", result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<CustomerDto>, ProblemHttpResult>> Get(Guid id, KefuDbContext db, HttpResponse response, CancellationToken ct)
    {
        var customer = await db.Customers.AsNoTracking().Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (customer is null)
        {
            return Problems.From(new NotFound("Customer", id.ToString()));
        }

        response.Headers.ETag = Wire.ETag(customer.Version);
        return TypedResults.Ok(CustomerDto.From(customer));
    }

    private static async Task<Results<Ok<CustomerDto>, ProblemHttpResult>> Update(
        Guid id, UpdateCustomerRequest patch, HttpRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var version = Wire.IfMatch(request);
        if (!version.IsOk)
        {
            return Problems.From(version.Error!);
        }

        var result = await CustomerCommands.UpdateAsync(db, user.ToActor(), clock.GetUtcNow(), id, version.Value, patch.ToPatch(), ct);
        return Respond(result, request.HttpContext.Response);
    }

    private static async Task<Results<Ok<CustomerDto>, ProblemHttpResult>> AddIdentity(
        Guid id, NewIdentity identity, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, HttpResponse response, CancellationToken ct) =>
        Respond(await CustomerCommands.AddIdentityAsync(db, user.ToActor(), clock.GetUtcNow(), id, identity, ct), response);

    private static async Task<Results<Ok<CustomerDto>, ProblemHttpResult>> RemoveIdentity(
        Guid id, Guid identityId, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, HttpResponse response, CancellationToken ct) =>
        Respond(await CustomerCommands.RemoveIdentityAsync(db, user.ToActor(), clock.GetUtcNow(), id, identityId, ct), response);

    private static async Task<Results<Ok<CustomerDto>, ProblemHttpResult>> Merge(
        Guid id, MergeRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, HttpResponse response, CancellationToken ct) =>
        Respond(await CustomerCommands.MergeAsync(db, user.ToActor(), clock.GetUtcNow(), id, request.TargetId, ct), response);

    private static async Task<Results<Ok<Page<ConversationDto>>, ProblemHttpResult>> Conversations(
        Guid id, int? limit, string? cursor, KefuDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Customers.AnyAsync(c => c.Id == id, ct))
        {
            return Problems.From(new NotFound("Customer", id.ToString()));
        }

        var page = await ConversationQueries.ListAsync(db, new ConversationFilter(Customer: id, Limit: limit ?? 25, Cursor: cursor), user.AgentId(), ct);
        return page.IsOk ? TypedResults.Ok(page.Value) : Problems.From(page.Error!);
    }

    private static async Task<Results<Ok<List<ActivityDto>>, ProblemHttpResult>> Activity(Guid id, KefuDbContext db, CancellationToken ct) =>
        await db.Customers.AnyAsync(c => c.Id == id, ct)
            ? TypedResults.Ok(await ActivityDto.ForAsync(db, "customer", id, ct))
            : Problems.From(new NotFound("Customer", id.ToString()));

    private static Results<Ok<CustomerDto>, ProblemHttpResult> Respond(Result<CustomerDto> result, HttpResponse response)
    {
        if (!result.IsOk)
        {
            return Problems.From(result.Error!);
        }

        response.Headers.ETag = Wire.ETag(result.Value.Version);
        return TypedResults.Ok(result.Value);
    }
}
