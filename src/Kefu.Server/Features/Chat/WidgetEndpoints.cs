using System.Net.Http.Headers;
using Kefu.Core.Channels.Chat;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Infrastructure;
using Kefu.Server.Realtime;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Chat;

/// <summary>What the widget needs before it shows anything. Titles and greetings are keyed by language ("zh-CN", "en").</summary>
public sealed record WidgetConfig(
    Guid InboxId, IReadOnlyDictionary<string, string> Title, IReadOnlyDictionary<string, string> Greeting, string Color, WidgetPosition Position,
    IReadOnlyList<string> Languages, bool PreChatForm, bool PreChatRequireEmail, long MaxUploadBytes, IReadOnlyList<string> AllowedFileTypes, bool Online,
    bool Bot = false);

public sealed record DefaultInbox(Guid InboxId);

/// <summary>A message left while no agent is online; the answer goes out by e-mail. Website is a honeypot: people leave it empty.</summary>
public sealed record OfflineMessageRequest(string? Name, string? Email, string? Message, string? Website, string? Language, string? Url);

public sealed record OfflineMessageAccepted(string Message, string? Reference);

/// <summary>
/// The anonymous side of live chat that is plain HTTP: widget configuration, offline messages, uploads, and the
/// files themselves. Cross-origin calls are allowed from the inbox's origins (any when it lists none).
/// </summary>
public static class WidgetEndpoints
{
    public const string OfflineLimiter = "widget-offline";
    public const string UploadLimiter = "widget-upload";

    public static void MapWidgetEndpoints(this IEndpointRouteBuilder app)
    {
        var widget = app.MapGroup("/widget").WithTags("Chat widget").AllowAnonymous().RequireCors(WidgetCors.Policy);
        widget.MapGet("/default", Default).WithSummary("The first active chat inbox (for the demo page and quick starts).");
        widget.MapGet("/{inboxId:guid}/config", Config).WithSummary("The widget's look, languages, forms, upload limits and whether an agent is online.");
        widget.MapPost("/{inboxId:guid}/offline", Offline).RequireRateLimiting(OfflineLimiter)
            .WithSummary("Leave a message while no agent is online: a chat conversation tagged offline, answered by e-mail.");
        widget.MapPost("/{inboxId:guid}/upload", Upload).RequireRateLimiting(UploadLimiter).DisableAntiforgery()
            .WithSummary("Upload a file for the chat (multipart field `file`; the visitor token as `token` or Authorization: Bearer).");

        app.MapPost("/api/v1/files", AgentUpload).RequireAuthorization(Policies.ConversationsWrite).DisableAntiforgery().WithTags("Files")
            .WithSummary("Upload a file to attach to a reply (multipart field `file`); returns the attachment to put in a message's attachments.");
        app.MapGet("/demo", (HttpRequest request) => TypedResults.Redirect("/demo/index.html" + request.QueryString)).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/files/{sha256}/{name}", Download).AllowAnonymous().WithTags("Files")
            .WithSummary("A stored file: for agents, for the visitor whose chat contains it (file token in `vt`), and for an integration through the signed link it was sent (`integration`, `expires`, `sig`).");
    }

    private static async Task<Results<Ok<DefaultInbox>, ProblemHttpResult>> Default(KefuDbContext db, CancellationToken ct) =>
        await db.ChatInboxes.AsNoTracking().Where(i => i.IsActive).OrderBy(i => i.CreatedAt).Select(i => (Guid?)i.Id).FirstOrDefaultAsync(ct) is { } id
            ? TypedResults.Ok(new DefaultInbox(id))
            : Problems.From(new NotFound("Chat inbox", "default"));

    private static async Task<Results<Ok<WidgetConfig>, ProblemHttpResult>> Config(
        Guid inboxId, KefuDbContext db, TimeProvider clock, HttpResponse response, CancellationToken ct)
    {
        var inbox = await db.ChatInboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == inboxId && i.IsActive, ct);
        if (inbox is null)
        {
            return Problems.From(new NotFound("Chat inbox", inboxId.ToString()));
        }

        // Online changes from one minute to the next.
        response.Headers.CacheControl = "no-cache";
        var online = await ChatQueries.AgentsOnlineAsync(db, inbox, clock.GetUtcNow(), ct) > 0;
        return TypedResults.Ok(new WidgetConfig(
            inbox.Id, new Dictionary<string, string> { ["zh-CN"] = inbox.TitleZh, ["en"] = inbox.TitleEn },
            new Dictionary<string, string> { ["zh-CN"] = inbox.GreetingZh, ["en"] = inbox.GreetingEn },
            inbox.Color, inbox.Position, inbox.Languages, inbox.PreChatForm, inbox.PreChatRequireEmail, inbox.MaxUploadBytes, inbox.AllowedFileTypes, online,
            await Assistant.BotSessions.EnabledAsync(db, inbox.Id, ct)));
    }

    private static async Task<Results<Accepted<OfflineMessageAccepted>, ProblemHttpResult>> Offline(
        Guid inboxId, OfflineMessageRequest request, KefuDbContext db, TimeProvider clock, RealtimePublisher realtime, ILoggerFactory logs, CancellationToken ct)
    {
        var inbox = await db.ChatInboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == inboxId && i.IsActive, ct);
        if (inbox is null)
        {
            return Problems.From(new NotFound("Chat inbox", inboxId.ToString()));
        }

        var errors = new FieldErrors()
            .MaxLength("name", request.Name, Limits.Name)
            .Required("email", request.Email, Limits.Email)
            .Required("message", request.Message, ChatCommands.MaxVisitorText)
            .MaxLength("language", request.Language, Limits.Language);
        if (!string.IsNullOrWhiteSpace(request.Email) && !CustomerIdentity.Normalize(IdentityKind.Email, null, request.Email).IsOk)
        {
            errors.Add("email", "must be an e-mail address such as name@example.com.");
        }

        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        var chinese = ChatInbox.IsChinese(request.Language ?? inbox.Languages.FirstOrDefault());
        var thanks = chinese ? "已收到您的留言，我们会尽快通过邮件回复您。" : "Thank you! We received your message and will reply by e-mail as soon as possible.";
        if (!string.IsNullOrEmpty(request.Website))
        {
            // A bot filled the hidden field: answer as usual, keep nothing.
            logs.CreateLogger(typeof(WidgetEndpoints)).LogInformation("Chat inbox {Inbox}: dropped an offline message that filled the honeypot field.", inboxId);
            return TypedResults.Accepted((string?)null, new OfflineMessageAccepted(thanks, null));
        }

        var now = clock.GetUtcNow();
        var text = request.Message!.Trim();
        if (!string.IsNullOrWhiteSpace(request.Url) && request.Url.Length <= Limits.Url)
        {
            text += $"\n\n— {request.Url.Trim()}";
        }

        var created = await ConversationCommands.CreateAsync(db, new Actor(ActorKind.Customer, null, request.Name?.Trim() ?? request.Email!.Trim()), now,
            new CreateConversationRequest(Channel.Chat, null, null,
                new CustomerRef(IdentityKind.Email, null, request.Email, request.Name, request.Language),
                new NewMessage(MessageKind.Inbound, text, null, null, null), Priority.Normal, null, ["offline"], null, inbox.TeamId), ct);
        if (!created.IsOk)
        {
            return Problems.From(created.Error!);
        }

        var detail = created.Value.Detail;
        await realtime.MessageCreatedAsync(detail.Conversation, detail.Messages[0]);
        return TypedResults.Accepted($"/api/v1/conversations/{detail.Conversation.Id}", new OfflineMessageAccepted(thanks, detail.Conversation.Display));
    }

    private static async Task<Results<Ok<Attachment>, ProblemHttpResult>> Upload(
        Guid inboxId, HttpContext http, KefuDbContext db, VisitorTokens tokens, TimeProvider clock, CancellationToken ct)
    {
        var inbox = await db.ChatInboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == inboxId && i.IsActive, ct);
        if (inbox is null)
        {
            return Problems.From(new NotFound("Chat inbox", inboxId.ToString()));
        }

        // The JSON API's 1 MiB limit does not apply here; the inbox's own limit does (plus room for the form's framing).
        var limit = inbox.MaxUploadBytes + 64 * 1024;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        if (http.Request.ContentLength > limit)
        {
            return TooLargeProblem(new TooLarge(inbox.MaxUploadBytes));
        }

        if (!http.Request.HasFormContentType)
        {
            return Problems.From(Invalid.Field("file", "send the file as multipart/form-data in a field named file."));
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLargeProblem(new TooLarge(inbox.MaxUploadBytes));
        }
        catch (InvalidDataException)
        {
            return Problems.From(Invalid.Field("file", "the multipart form could not be read."));
        }

        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : form["token"].ToString();
        if (tokens.Read(token) is not { } visitor || visitor.InboxId != inboxId)
        {
            return TypedResults.Problem("Start the chat first: the visitor token is missing or not valid for this inbox.", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        }

        var file = form.Files.GetFile("file") ?? form.Files.FirstOrDefault();
        if (file is null)
        {
            return Problems.From(Invalid.Field("file", "is required."));
        }

        if (file.Length > inbox.MaxUploadBytes)
        {
            return TooLargeProblem(new TooLarge(inbox.MaxUploadBytes));
        }

        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, ct);
        var saved = await FileStore.SaveAsync(db, buffer.ToArray(), file.FileName, file.ContentType, inbox.MaxUploadBytes, inbox.AllowedFileTypes, clock.GetUtcNow(), ct);
        return saved.IsOk ? TypedResults.Ok(saved.Value) : saved.Error is TooLarge t ? TooLargeProblem(t) : Problems.From(saved.Error!);
    }

    /// <summary>Agents attach the same kinds of files visitors may send (up to the default chat limit), plus office documents.</summary>
    public static readonly IReadOnlyList<string> AgentFileTypes =
    [
        .. ChatInbox.DefaultFileTypes, "text/csv", "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ];

    private static async Task<Results<Ok<Attachment>, ProblemHttpResult>> AgentUpload(HttpContext http, KefuDbContext db, TimeProvider clock, CancellationToken ct)
    {
        const long max = ChatInbox.DefaultMaxUploadBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = max + 64 * 1024;
        }

        if (!http.Request.HasFormContentType)
        {
            return Problems.From(Invalid.Field("file", "send the file as multipart/form-data in a field named file."));
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLargeProblem(new TooLarge(max));
        }

        if ((form.Files.GetFile("file") ?? form.Files.FirstOrDefault()) is not { } file)
        {
            return Problems.From(Invalid.Field("file", "is required."));
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        var saved = await FileStore.SaveAsync(db, buffer.ToArray(), file.FileName, file.ContentType, max, AgentFileTypes, clock.GetUtcNow(), ct);
        return saved.IsOk ? TypedResults.Ok(saved.Value) : saved.Error is TooLarge t ? TooLargeProblem(t) : Problems.From(saved.Error!);
    }

    private static ProblemHttpResult TooLargeProblem(TooLarge error) =>
        TypedResults.Problem(error.Message, statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large");

    private static async Task<IResult> Download(
        string sha256, string name, string? vt, Guid? integration, string? expires, string? sig, HttpContext http, KefuDbContext db, VisitorTokens tokens,
        IAuthorizationService authorization, TimeProvider clock, CancellationToken ct)
    {
        if (!FileStore.IsSha256(sha256))
        {
            return Problems.From(new NotFound("File", sha256));
        }

        var agent = http.User.Identity?.IsAuthenticated == true && (await authorization.AuthorizeAsync(http.User, Policies.ConversationsRead)).Succeeded;
        if (!agent && integration is { } integrationId)
        {
            var secret = await db.Integrations.AsNoTracking().Where(i => i.Id == integrationId && i.IsActive).Select(i => i.Secret).FirstOrDefaultAsync(ct);
            var now = clock.GetUtcNow();
            if (secret is null || !Kefu.Core.Webhooks.FileLink.Verify(secret.ActiveAt(now), sha256, expires, sig, now))
            {
                return TypedResults.Problem("This file link is not valid or has expired.", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
            }
        }
        else if (!agent)
        {
            var visitor = tokens.ReadFileToken(vt);
            if (visitor is null)
            {
                return TypedResults.Problem("Sign in, or open the file from the chat it was sent in.", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
            }

            if (!await VisitorMaySeeAsync(db, visitor, sha256, ct))
            {
                // The same answer as for a file that does not exist: nothing to learn by probing hashes.
                return Problems.From(new NotFound("File", sha256));
            }
        }

        var file = await db.Files.AsNoTracking().FirstOrDefaultAsync(f => f.Sha256 == sha256, ct);
        if (file is null)
        {
            return Problems.From(new NotFound("File", sha256));
        }

        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";
        // Content-addressed: the bytes behind this URL never change. Private: it may be a customer's document.
        headers.CacheControl = "private, max-age=31536000, immutable";
        headers.ETag = $"\"{file.Sha256}\"";
        var disposition = new ContentDispositionHeaderValue(FileStore.InlineTypes.Contains(file.ContentType) ? "inline" : "attachment")
        {
            FileNameStar = FileStore.CleanFileName(name),
        };
        headers.ContentDisposition = disposition.ToString();
        if (http.Request.Headers.IfNoneMatch.ToString() == $"\"{file.Sha256}\"")
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(file.Content, file.ContentType);
    }

    /// <summary>A visitor sees the files of its current chat's visitor-visible messages (never of internal notes).</summary>
    private static async Task<bool> VisitorMaySeeAsync(KefuDbContext db, VisitorRef visitor, string sha256, CancellationToken ct)
    {
        var conversationId = await db.ChatSessions.AsNoTracking()
            .Where(s => s.InboxId == visitor.InboxId && s.VisitorId == visitor.VisitorId).Select(s => s.ConversationId).FirstOrDefaultAsync(ct);
        if (conversationId is null)
        {
            return false;
        }

        var attachments = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.Kind != MessageKind.Note)
            .Select(m => m.Attachments).ToListAsync(ct);
        return attachments.SelectMany(a => a).Any(a => FileStore.ParseUrl(a.Url) == sha256);
    }
}
