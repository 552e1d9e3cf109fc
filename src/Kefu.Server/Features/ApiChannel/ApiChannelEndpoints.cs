using System.Security.Claims;
using System.Text.Json;
using Kefu.Core.Common;
using Kefu.Core.Webhooks;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Features.Chat;
using Kefu.Server.Infrastructure;
using Kefu.Server.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.ApiChannel;

/// <summary>
/// The API channel: admins manage integrations; integrations post their customers' messages, signed with the
/// integration's secret (Standard Webhooks headers), to their inbound URL.
/// </summary>
public static class ApiChannelEndpoints
{
    public static void MapApiChannelEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/channels/api/{integrationId:guid}/messages", Receive).AllowAnonymous().DisableAntiforgery().WithTags("API channel")
            .Accepts<InboundApiMessage>("application/json")
            .Produces<InboundApiResult>(StatusCodes.Status201Created).Produces<InboundApiResult>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesValidationProblem()
            .WithSummary("A customer's message from an integration, signed with its secret (webhook-id, webhook-timestamp, webhook-signature). Idempotent by messageId.");

        var group = app.MapGroup("/api/v1/integrations").WithTags("API channel").RequireAuthorization(Policies.Admin);
        group.MapGet("", List).WithSummary("List the API-channel integrations (admins); secrets are not shown.");
        group.MapPost("", Create).WithSummary("Create an integration (admins); the answer holds its whsec_ secret, shown this once.");
        group.MapGet("/{id:guid}", Get).WithSummary("Get an integration (admins).");
        group.MapPatch("/{id:guid}", Update).WithSummary("Change an integration's name, identity source, callback URL, team or active flag (admins).");
        group.MapPost("/{id:guid}/rotate-secret", Rotate)
            .WithSummary("Make a new secret (shown this once); the old one keeps working for 24 hours unless immediately is true.");
        group.MapDelete("/{id:guid}", Deactivate).WithSummary("Deactivate an integration: its messages are refused and replies no longer delivered.");
    }

    private static async Task<IResult> Receive(
        Guid integrationId, HttpRequest request, KefuDbContext db, TimeProvider clock, RealtimePublisher realtime, ILoggerFactory logs, CancellationToken ct)
    {
        var integration = await db.Integrations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == integrationId && i.IsActive, ct);
        if (integration is null)
        {
            return Problems.From(new NotFound("Integration", integrationId.ToString()));
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var body = buffer.ToArray();
        var now = clock.GetUtcNow();
        var check = StandardWebhook.Verify(integration.Secret.ActiveAt(now), request.Headers[StandardWebhook.IdHeader], request.Headers[StandardWebhook.TimestampHeader],
            request.Headers[StandardWebhook.SignatureHeader], body, now);
        if (check != SignatureCheck.Valid)
        {
            logs.CreateLogger(typeof(ApiChannelEndpoints)).LogWarning("Integration {Integration}: refused a message ({Check}).", integrationId, check);
            return TypedResults.Problem(StandardWebhook.Explain(check), statusCode: StatusCodes.Status401Unauthorized, title: "Invalid signature");
        }

        InboundApiMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<InboundApiMessage>(body, request.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);
        }
        catch (JsonException e)
        {
            // The same problem details as every other endpoint's malformed JSON.
            throw new BadHttpRequestException("Malformed JSON.", StatusCodes.Status400BadRequest, e);
        }

        if (message is null)
        {
            return Problems.From(Invalid.Field("body", "is required: send a JSON object."));
        }

        var received = await ApiChannelCommands.ReceiveAsync(db, integration, message, now, ct);
        if (!received.IsOk)
        {
            return Problems.From(received.Error!);
        }

        var (result, dto, conversation) = received.Value;
        if (result.Created)
        {
            await realtime.MessageCreatedAsync(conversation, dto);
        }

        return result.Created ? TypedResults.Created($"/api/v1/conversations/{result.ConversationId}", result) : TypedResults.Ok(result);
    }

    private static async Task<Ok<List<IntegrationDto>>> List(KefuDbContext db, HttpRequest request, TimeProvider clock, CancellationToken ct)
    {
        var all = await db.Integrations.AsNoTracking().OrderBy(i => i.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(all.Select(i => IntegrationDto.From(i, ChatInboxEndpoints.BaseUrl(request), clock.GetUtcNow())).ToList());
    }

    private static async Task<Results<Ok<IntegrationDto>, ProblemHttpResult>> Get(Guid id, KefuDbContext db, HttpRequest request, TimeProvider clock, CancellationToken ct) =>
        await db.Integrations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is { } integration
            ? TypedResults.Ok(IntegrationDto.From(integration, ChatInboxEndpoints.BaseUrl(request), clock.GetUtcNow()))
            : Problems.From(new NotFound("Integration", id.ToString()));

    private static async Task<Results<Created<IntegrationDto>, ProblemHttpResult>> Create(
        CreateIntegrationRequest r, KefuDbContext db, HttpRequest request, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var created = await IntegrationCommands.CreateAsync(db, user.ToActor(), clock.GetUtcNow(), r, ct);
        return created.IsOk
            ? TypedResults.Created($"/api/v1/integrations/{created.Value.Id}", IntegrationDto.From(created.Value, ChatInboxEndpoints.BaseUrl(request), clock.GetUtcNow(), withSecret: true))
            : Problems.From(created.Error!);
    }

    private static async Task<Results<Ok<IntegrationDto>, ProblemHttpResult>> Update(
        Guid id, UpdateIntegrationRequest r, KefuDbContext db, HttpRequest request, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await IntegrationCommands.UpdateAsync(db, user.ToActor(), clock.GetUtcNow(), id, r.Over, ct);
        return result.IsOk ? TypedResults.Ok(IntegrationDto.From(result.Value, ChatInboxEndpoints.BaseUrl(request), clock.GetUtcNow())) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<IntegrationDto>, ProblemHttpResult>> Rotate(
        Guid id, RotateSecretRequest? r, KefuDbContext db, HttpRequest request, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await IntegrationCommands.RotateSecretAsync(db, user.ToActor(), clock.GetUtcNow(), id, r?.Immediately ?? false, ct);
        return result.IsOk
            ? TypedResults.Ok(IntegrationDto.From(result.Value, ChatInboxEndpoints.BaseUrl(request), clock.GetUtcNow(), withSecret: true))
            : Problems.From(result.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Deactivate(Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await IntegrationCommands.UpdateAsync(db, user.ToActor(), clock.GetUtcNow(), id, new UpdateIntegrationRequest { IsActive = false }.Over, ct);
        return result.IsOk ? TypedResults.NoContent() : Problems.From(result.Error!);
    }
}
