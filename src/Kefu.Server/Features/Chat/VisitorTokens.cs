using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Chat;

/// <summary>Which browser a widget connection speaks for: a visitor id within one inbox.</summary>
public sealed record VisitorRef(Guid InboxId, string VisitorId);

/// <summary>
/// The visitor's bearer credential, issued by the server and kept by the widget in localStorage. It is a Data
/// Protection payload (authenticated encryption), so it cannot be forged or edited: a visitor can only ever name
/// its own chat session. The file token grants reading the files of that chat and nothing else, so it can appear
/// in image URLs without exposing the chat itself.
/// </summary>
public sealed class VisitorTokens(IDataProtectionProvider provider)
{
    private readonly IDataProtector visitor = provider.CreateProtector("Kefu.Visitor");
    private readonly IDataProtector files = provider.CreateProtector("Kefu.Visitor.Files");

    public static string NewVisitorId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public string Issue(VisitorRef v) => visitor.Protect(Payload(v));

    public string IssueFileToken(VisitorRef v) => files.Protect(Payload(v));

    public VisitorRef? Read(string? token) => Parse(visitor, token);

    public VisitorRef? ReadFileToken(string? token) => Parse(files, token);

    private static string Payload(VisitorRef v) => $"v1|{v.InboxId:N}|{v.VisitorId}";

    private static VisitorRef? Parse(IDataProtector protector, string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 1000)
        {
            return null;
        }

        try
        {
            var parts = protector.Unprotect(token).Split('|');
            return parts is ["v1", var inbox, var id] && Guid.TryParseExact(inbox, "N", out var inboxId) && id.Length is > 0 and <= 64
                ? new VisitorRef(inboxId, id)
                : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}

/// <summary>
/// Authenticates the visitor hub from the `access_token` query string (browsers cannot set WebSocket headers) or a bearer header.
/// No token: anonymous, allowed to start a new chat. A token that does not verify: the connection is refused.
/// </summary>
public sealed class VisitorAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, VisitorTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Visitor";
    public const string Policy = "VisitorHub";
    public const string InboxClaim = "kefu:inbox";
    public const string VisitorClaim = "kefu:visitor";

    /// <summary>From the query string (browsers' WebSockets) or the Authorization header (the .NET and other SignalR clients).</summary>
    public static string? Token(HttpRequest request)
    {
        if (request.Query["access_token"].ToString() is { Length: > 0 } token)
        {
            return token;
        }

        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }

    public static VisitorRef? Visitor(ClaimsPrincipal? user) =>
        Guid.TryParse(user?.FindFirstValue(InboxClaim), out var inbox) && user!.FindFirstValue(VisitorClaim) is { } id ? new VisitorRef(inbox, id) : null;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Token(Request);
        if (token is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (tokens.Read(token) is not { } visitor)
        {
            return Task.FromResult(AuthenticateResult.Fail("The visitor token is not valid."));
        }

        var identity = new ClaimsIdentity([new Claim(InboxClaim, visitor.InboxId.ToString()), new Claim(VisitorClaim, visitor.VisitorId)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    public static void AddPolicy(AuthorizationOptions options) => options.AddPolicy(Policy, p => p
        .AddAuthenticationSchemes(SchemeName)
        .AddRequirements(new VisitorTokenRequirement()));
}

/// <summary>Anonymous visitors may connect; a visitor who presents a token must present a valid one.</summary>
public sealed class VisitorTokenRequirement : AuthorizationHandler<VisitorTokenRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, VisitorTokenRequirement requirement)
    {
        var presented = context.Resource is HttpContext http && VisitorAuthentication.Token(http.Request) is not null;
        if (!presented || VisitorAuthentication.Visitor(context.User) is not null)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
