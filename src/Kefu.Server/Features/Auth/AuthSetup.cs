using Kefu.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace Kefu.Server.Features.Auth;

public static class AuthSetup
{
    public const string Scheme = "Kefu";

    /// <summary>Cookie sign-in for people (ASP.NET Core Identity), bearer API tokens for integrations.</summary>
    public static void AddKefuAuth(this IServiceCollection services)
    {
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Cookie or API token", o => o.ForwardDefaultSelector = http =>
                ApiTokenAuthentication.Secret(http.Request) is not null
                    ? ApiTokenAuthentication.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null)
            .AddIdentityCookies();

        services.AddIdentityCore<KefuUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddEntityFrameworkStores<KefuDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<AgentClaimsFactory>()
            .AddDefaultTokenProviders();

        // A deactivated agent or a changed role takes effect within a minute (the security stamp is bumped).
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/login";
            o.Cookie.Name = "kefu.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            // The API answers 401/403 problem details; only pages redirect to the sign-in form.
            o.Events.OnRedirectToLogin = c => Status(c.HttpContext, c.RedirectUri, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = c => Status(c.HttpContext, c.RedirectUri, StatusCodes.Status403Forbidden);
        });

        services.AddSingleton<IAuthorizationHandler, KefuRequirementHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ForbiddenProblems>();
        services.AddAuthorization(Policies.Add);
    }

    private static Task Status(HttpContext http, string redirectUri, int status)
    {
        if (IsApi(http.Request))
        {
            http.Response.StatusCode = status;
        }
        else
        {
            http.Response.Redirect(redirectUri);
        }

        return Task.CompletedTask;
    }

    public static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/health") || request.Path.StartsWithSegments("/hubs");

    /// <summary>
    /// An agent signed in with a one-time password may only choose a new one (or sign out): every other page
    /// leads back to the password form, and the API answers 403.
    /// </summary>
    public static async Task RequireNewPassword(HttpContext http, Func<Task> next)
    {
        var path = http.Request.Path;
        if (http.User.HasClaim(c => c.Type == KefuClaims.MustChangePassword)
            && !path.StartsWithSegments("/account") && !path.StartsWithSegments("/_framework") && !path.StartsWithSegments("/_content")
            && !Path.HasExtension(path.Value))
        {
            if (IsApi(http.Request))
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = { Status = 403, Title = "Forbidden", Detail = "Choose a new password first: the one-time password only opens /account/password." },
                });
                return;
            }

            http.Response.Redirect($"/account/password?returnUrl={Uri.EscapeDataString(path + http.Request.QueryString)}");
            return;
        }

        await next();
    }
}
