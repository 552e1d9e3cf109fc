using System.Security.Claims;
using Kefu.Core.Channels.Chat;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Chat;

/// <summary>An inbox as admins see it: with the identity-verification secret and the snippet to paste into a website.</summary>
public sealed record ChatInboxDto(
    Guid Id, string Name, string TitleEn, string TitleZh, string GreetingEn, string GreetingZh, string Color, WidgetPosition Position,
    IReadOnlyList<string> Languages, bool PreChatForm, bool PreChatRequireEmail, long MaxUploadBytes, IReadOnlyList<string> AllowedFileTypes,
    IReadOnlyList<string> AllowedOrigins, Guid? TeamId, string Secret, bool IsActive, DateTimeOffset CreatedAt, string EmbedCode, Guid? CalendarId)
{
    public static ChatInboxDto From(ChatInbox i, string baseUrl) => new(
        i.Id, i.Name, i.TitleEn, i.TitleZh, i.GreetingEn, i.GreetingZh, i.Color, i.Position, i.Languages, i.PreChatForm, i.PreChatRequireEmail,
        i.MaxUploadBytes, i.AllowedFileTypes, i.AllowedOrigins, i.TeamId, i.Secret, i.IsActive, i.CreatedAt,
        $"<script src=\"{baseUrl}/widget/kefu.js\" data-inbox=\"{i.Id}\" async></script>", i.CalendarId);
}

/// <summary>A new inbox: only the name is required, everything else has a sensible default.</summary>
public sealed record CreateChatInboxRequest(
    string? Name, string? TitleEn, string? TitleZh, string? GreetingEn, string? GreetingZh, string? Color, WidgetPosition? Position,
    IReadOnlyList<string>? Languages, bool? PreChatForm, bool? PreChatRequireEmail, long? MaxUploadBytes, IReadOnlyList<string>? AllowedFileTypes,
    IReadOnlyList<string>? AllowedOrigins, Guid? TeamId, Guid? CalendarId = null);

/// <summary>PATCH body: omitted fields stay unchanged; teamId null removes the team.</summary>
public sealed record UpdateChatInboxRequest
{
    public Optional<string> Name { get; init; }

    public Optional<string> TitleEn { get; init; }

    public Optional<string> TitleZh { get; init; }

    public Optional<string> GreetingEn { get; init; }

    public Optional<string> GreetingZh { get; init; }

    public Optional<string> Color { get; init; }

    public Optional<WidgetPosition> Position { get; init; }

    public Optional<IReadOnlyList<string>> Languages { get; init; }

    public Optional<bool> PreChatForm { get; init; }

    public Optional<bool> PreChatRequireEmail { get; init; }

    public Optional<long> MaxUploadBytes { get; init; }

    public Optional<IReadOnlyList<string>> AllowedFileTypes { get; init; }

    public Optional<IReadOnlyList<string>> AllowedOrigins { get; init; }

    public Optional<Guid?> TeamId { get; init; }

    public Optional<bool> IsActive { get; init; }

    public Optional<Guid?> CalendarId { get; init; }

    public ChatInboxSettings Over(ChatInbox i) => new(
        Name.Or(i.Name), TitleEn.Or(i.TitleEn), TitleZh.Or(i.TitleZh), GreetingEn.Or(i.GreetingEn), GreetingZh.Or(i.GreetingZh),
        Color.Or(i.Color), Position.Or(i.Position), Languages.Or(i.Languages), PreChatForm.Or(i.PreChatForm),
        PreChatRequireEmail.Or(i.PreChatRequireEmail), MaxUploadBytes.Or(i.MaxUploadBytes), AllowedFileTypes.Or(i.AllowedFileTypes),
        AllowedOrigins.Or(i.AllowedOrigins), TeamId.Or(i.TeamId), IsActive.Or(i.IsActive), CalendarId.Or(i.CalendarId));
}

/// <summary>Admins configure the web-chat inboxes: how the widget looks, who may embed it, which team answers.</summary>
public static class ChatInboxEndpoints
{
    public static void MapChatInboxEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/chat-inboxes").WithTags("Chat inboxes").RequireAuthorization(Policies.Admin);
        group.MapGet("", List).WithSummary("List the web-chat inboxes (admins), with their secrets and embed code.");
        group.MapPost("", Create).WithSummary("Create a web-chat inbox (admins); a 32-byte identity-verification secret is generated.");
        group.MapGet("/{id:guid}", Get).WithSummary("Get a web-chat inbox (admins).");
        group.MapPatch("/{id:guid}", Update).WithSummary("Change a web-chat inbox (admins): look, languages, pre-chat form, uploads, allowed origins, team.");
        group.MapPost("/{id:guid}/rotate-secret", RotateSecret)
            .WithSummary("Replace the identity-verification secret (admins); signatures made with the old one stop verifying at once.");
        group.MapDelete("/{id:guid}", Deactivate).WithSummary("Deactivate a web-chat inbox (admins): its widget stops loading; history stays.");
    }

    public static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    private static async Task<Ok<List<ChatInboxDto>>> List(KefuDbContext db, HttpRequest request, CancellationToken ct)
    {
        var inboxes = await db.ChatInboxes.AsNoTracking().OrderBy(i => i.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(inboxes.Select(i => ChatInboxDto.From(i, BaseUrl(request))).ToList());
    }

    private static async Task<Results<Ok<ChatInboxDto>, ProblemHttpResult>> Get(Guid id, KefuDbContext db, HttpRequest request, CancellationToken ct) =>
        await db.ChatInboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is { } inbox
            ? TypedResults.Ok(ChatInboxDto.From(inbox, BaseUrl(request)))
            : Problems.From(new NotFound("Chat inbox", id.ToString()));

    private static async Task<Results<Created<ChatInboxDto>, ProblemHttpResult>> Create(
        CreateChatInboxRequest r, KefuDbContext db, HttpRequest request, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var created = await ChatInboxCommands.CreateAsync(db, user.ToActor(), clock.GetUtcNow(), r, ct);
        return created.IsOk
            ? TypedResults.Created($"/api/v1/chat-inboxes/{created.Value.Id}", ChatInboxDto.From(created.Value, BaseUrl(request)))
            : Problems.From(created.Error!);
    }

    private static async Task<Results<Ok<ChatInboxDto>, ProblemHttpResult>> Update(
        Guid id, UpdateChatInboxRequest r, KefuDbContext db, HttpRequest request, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        Respond(await ChatInboxCommands.UpdateAsync(db, user.ToActor(), clock.GetUtcNow(), id, r.Over, ct), request);

    private static async Task<Results<Ok<ChatInboxDto>, ProblemHttpResult>> RotateSecret(
        Guid id, KefuDbContext db, HttpRequest request, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct) =>
        Respond(await ChatInboxCommands.RotateSecretAsync(db, user.ToActor(), clock.GetUtcNow(), id, ct), request);

    private static async Task<Results<NoContent, ProblemHttpResult>> Deactivate(
        Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await ChatInboxCommands.UpdateAsync(db, user.ToActor(), clock.GetUtcNow(), id, new UpdateChatInboxRequest { IsActive = false }.Over, ct);
        return result.IsOk ? TypedResults.NoContent() : Problems.From(result.Error!);
    }

    private static Results<Ok<ChatInboxDto>, ProblemHttpResult> Respond(Result<ChatInbox> result, HttpRequest request) =>
        result.IsOk ? TypedResults.Ok(ChatInboxDto.From(result.Value, BaseUrl(request))) : Problems.From(result.Error!);
}

internal static class OptionalExtensions
{
    public static T Or<T>(this Optional<T> value, T fallback) => value.HasValue ? value.Value : fallback;
}
