using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Kefu.Core.Channels.Chat;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Features.Chat;
using Kefu.Server.Infrastructure;
using Kefu.Server.Realtime;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.WebForms;

/// <summary>Section "WebForms": abuse limits of the public contact forms.</summary>
public sealed class WebFormOptions
{
    public const string Section = "WebForms";

    /// <summary>Submissions accepted per client IP address and form in an hour.</summary>
    [Range(1, 100_000)]
    public int SubmissionsPerHour { get; set; } = 10;
}

/// <summary>
/// Per client IP address and form, like the chat widget's offline form; a refused browser gets an HTML page, not JSON.
/// </summary>
public sealed class WebFormRateLimit : IRateLimiterPolicy<string>
{
    public const string Name = "web-form";

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, ct) =>
    {
        var http = context.HttpContext;
        var l = http.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(WebFormPage.Message(l["FormTooManyTitle"], l["FormTooMany"], CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal)), ct);
    };

    public RateLimitPartition<string> GetPartition(HttpContext http)
    {
        var limit = http.RequestServices.GetRequiredService<IOptions<WebFormOptions>>().Value.SubmissionsPerHour;
        return RateLimitPartition.GetFixedWindowLimiter($"{http.Connection.RemoteIpAddress}|{http.GetRouteValue("id")}",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromHours(1), QueueLimit = 0 });
    }
}

public static class WebFormEndpoints
{
    public static void MapWebFormEndpoints(this IEndpointRouteBuilder app)
    {
        var hosted = app.MapGroup("/form").WithTags("Web forms").AllowAnonymous().ExcludeFromDescription();
        hosted.MapGet("/{id:guid}", Show);
        hosted.MapPost("/{id:guid}", Submit).DisableAntiforgery().RequireRateLimiting(WebFormRateLimit.Name);
        hosted.MapGet("/{id:guid}/thanks", Thanks);

        var admin = app.MapGroup("/api/v1/web-forms").WithTags("Web forms").RequireAuthorization(Policies.Admin);
        admin.MapGet("", List).WithSummary("List the web forms (admins) with their hosted URL and embed code.");
        admin.MapPost("", Create).WithSummary("Create a contact form (admins): only the name is required.");
        admin.MapGet("/{id:guid}", Get).WithSummary("Get a web form (admins).");
        admin.MapPatch("/{id:guid}", Update).WithSummary("Change a web form's titles, intro texts, team, tags or active flag (admins).");
        admin.MapDelete("/{id:guid}", Deactivate).WithSummary("Deactivate a web form: its page says it is not available; conversations stay.");
    }

    private static bool Chinese(HttpRequest request)
    {
        var lang = request.Query["lang"].ToString();
        var chinese = lang.Length > 0 ? ChatInbox.IsChinese(lang) : CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal);
        // The page's strings follow the chosen language, whatever the browser asked for.
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(chinese ? "zh-CN" : "en");
        return chinese;
    }

    private static bool Embedded(HttpRequest request) => request.Query["embed"] == "1";

    private static IResult Html(HttpResponse response, string html, int status = StatusCodes.Status200OK)
    {
        // Embeddable anywhere (frame-ancestors), but the page itself runs no script and posts only to Kefu.
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors *";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-store";
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    private static async Task<IResult> Show(Guid id, HttpRequest request, KefuDbContext db, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var chinese = Chinese(request);
        var form = await db.WebForms.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id && f.IsActive, ct);
        return form is null
            ? Html(request.HttpContext.Response, WebFormPage.Message(l["FormNotFoundTitle"], l["FormNotFound"], chinese), StatusCodes.Status404NotFound)
            : Html(request.HttpContext.Response, WebFormPage.Form(form, l, chinese, Embedded(request), new(null, null, null, null), new Dictionary<string, string[]>()));
    }

    private static async Task<IResult> Thanks(Guid id, string? reference, HttpRequest request, KefuDbContext db, IStringLocalizer<SharedResource> l, CancellationToken ct)
    {
        var chinese = Chinese(request);
        var form = await db.WebForms.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct);
        var shown = reference is { Length: > 0 and <= 12 } r && r.TrimStart('#').All(char.IsAsciiDigit) ? "#" + r.TrimStart('#') : null;
        return form is null
            ? Html(request.HttpContext.Response, WebFormPage.Message(l["FormNotFoundTitle"], l["FormNotFound"], chinese), StatusCodes.Status404NotFound)
            : Html(request.HttpContext.Response, WebFormPage.Thanks(form, l, chinese, Embedded(request), shown));
    }

    private static async Task<IResult> Submit(
        Guid id, HttpContext http, KefuDbContext db, TimeProvider clock, RealtimePublisher realtime, IStringLocalizer<SharedResource> l, ILoggerFactory logs, CancellationToken ct)
    {
        var request = http.Request;
        var chinese = Chinese(request);
        var form = await db.WebForms.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id && f.IsActive, ct);
        if (form is null)
        {
            return Html(http.Response, WebFormPage.Message(l["FormNotFoundTitle"], l["FormNotFound"], chinese), StatusCodes.Status404NotFound);
        }

        // Room for one attachment of the chat's default size, plus the text fields.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = ChatInbox.DefaultMaxUploadBytes + 128 * 1024;
        }

        if (!request.HasFormContentType)
        {
            return Html(http.Response, WebFormPage.Message(l["FormNotFoundTitle"], l["FormCheckFields"], chinese), StatusCodes.Status400BadRequest);
        }

        IFormCollection fields;
        try
        {
            fields = await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return Html(http.Response, WebFormPage.Message(l["FormNotFoundTitle"], l["FormTooLarge"], chinese), StatusCodes.Status413PayloadTooLarge);
        }

        var embed = Embedded(request);
        var lang = chinese ? "zh-CN" : "en";
        var thanks = $"/form/{id}/thanks?lang={lang}{(embed ? "&embed=1" : "")}";
        if (!string.IsNullOrEmpty(fields[WebFormPage.Honeypot]))
        {
            // A bot filled the hidden field: it sees the usual thanks, nothing is kept.
            logs.CreateLogger(typeof(WebFormEndpoints)).LogInformation("Web form {Form}: dropped a submission that filled the honeypot field.", id);
            return TypedResults.Redirect(thanks);
        }

        byte[]? file = null;
        var upload = fields.Files.GetFile("file");
        if (upload is { Length: > 0 })
        {
            using var buffer = new MemoryStream();
            await upload.CopyToAsync(buffer, ct);
            file = buffer.ToArray();
        }

        var values = new WebFormPage.Values(fields["name"], fields["email"], fields["subject"], fields["message"]);
        var submitted = await WebFormCommands.SubmitAsync(db, form,
            new WebFormSubmission(values.Name, values.Email, values.Subject, values.Message, lang, upload?.FileName, upload?.ContentType, file), clock.GetUtcNow(), ct);
        if (!submitted.IsOk)
        {
            var errors = submitted.Error is Invalid invalid ? invalid.Fields : new Dictionary<string, string[]> { ["message"] = [submitted.Error!.Message] };
            return Html(http.Response, WebFormPage.Form(form, l, chinese, embed, values, errors), StatusCodes.Status400BadRequest);
        }

        var detail = submitted.Value;
        await realtime.MessageCreatedAsync(detail.Conversation, detail.Messages[0]);
        // Post/redirect/get: reloading the thank-you page does not send the form again.
        return TypedResults.Redirect($"{thanks}&reference={detail.Conversation.Number}");
    }

    private static async Task<Ok<List<WebFormDto>>> List(KefuDbContext db, HttpRequest request, CancellationToken ct) =>
        TypedResults.Ok((await db.WebForms.AsNoTracking().OrderBy(f => f.CreatedAt).ToListAsync(ct)).Select(f => WebFormDto.From(f, ChatInboxEndpoints.BaseUrl(request))).ToList());

    private static async Task<Results<Ok<WebFormDto>, ProblemHttpResult>> Get(Guid id, KefuDbContext db, HttpRequest request, CancellationToken ct) =>
        await db.WebForms.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id, ct) is { } form
            ? TypedResults.Ok(WebFormDto.From(form, ChatInboxEndpoints.BaseUrl(request)))
            : Problems.From(new NotFound("Web form", id.ToString()));

    private static async Task<Results<Created<WebFormDto>, ProblemHttpResult>> Create(
        CreateWebFormRequest r, KefuDbContext db, HttpRequest request, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var created = await WebFormCommands.CreateAsync(db, user.ToActor(), clock.GetUtcNow(), r, ct);
        return created.IsOk
            ? TypedResults.Created($"/api/v1/web-forms/{created.Value.Id}", WebFormDto.From(created.Value, ChatInboxEndpoints.BaseUrl(request)))
            : Problems.From(created.Error!);
    }

    private static async Task<Results<Ok<WebFormDto>, ProblemHttpResult>> Update(
        Guid id, UpdateWebFormRequest r, KefuDbContext db, HttpRequest request, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await WebFormCommands.UpdateAsync(db, user.ToActor(), clock.GetUtcNow(), id, r.Over, ct);
        return result.IsOk ? TypedResults.Ok(WebFormDto.From(result.Value, ChatInboxEndpoints.BaseUrl(request))) : Problems.From(result.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Deactivate(Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await WebFormCommands.UpdateAsync(db, user.ToActor(), clock.GetUtcNow(), id, new UpdateWebFormRequest { IsActive = false }.Over, ct);
        return result.IsOk ? TypedResults.NoContent() : Problems.From(result.Error!);
    }
}
