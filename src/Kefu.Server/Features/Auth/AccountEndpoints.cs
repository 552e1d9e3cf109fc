using Kefu.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Auth;

/// <summary>Form posts from the sign-in pages (plain HTML forms with antiforgery tokens).</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/account").ExcludeFromDescription();
        group.MapPost("/login", Login).AllowAnonymous();
        // Logout is a form post like the others, so its antiforgery token is checked: no third-party page may sign agents out.
        group.MapPost("/logout", Logout).RequireAuthorization(Policies.Interactive);
        group.MapPost("/password", ChangePassword).RequireAuthorization(Policies.Interactive);
        group.MapGet("/culture", SetCulture).AllowAnonymous();
    }

    private static async Task<IResult> Login(
        [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl,
        SignInManager<KefuUser> signIn, KefuDbContext db, HttpContext http, CancellationToken ct)
    {
        var back = LocalUrl(returnUrl);
        var user = string.IsNullOrWhiteSpace(email) ? null : await signIn.UserManager.FindByEmailAsync(email.Trim());
        var active = user is not null && await db.Agents.AnyAsync(a => a.Id == user.Id && a.IsActive, ct);
        if (user is null || !active || string.IsNullOrEmpty(password))
        {
            return Results.LocalRedirect($"/login?error=invalid&returnUrl={Uri.EscapeDataString(back)}");
        }

        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: true, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return Results.LocalRedirect($"/login?error=locked&returnUrl={Uri.EscapeDataString(back)}");
        }

        if (!result.Succeeded)
        {
            return Results.LocalRedirect($"/login?error=invalid&returnUrl={Uri.EscapeDataString(back)}");
        }

        // The agent's own language setting applies unless they just chose one on the sign-in page.
        if (!http.Request.Cookies.ContainsKey(CookieRequestCultureProvider.DefaultCookieName))
        {
            SetCultureCookie(http.Response, await db.Agents.Where(a => a.Id == user.Id).Select(a => a.Language).FirstAsync(ct));
        }

        return Results.LocalRedirect(user.MustChangePassword ? $"/account/password?returnUrl={Uri.EscapeDataString(back)}" : back);
    }

    private static async Task<IResult> Logout([FromForm] string? returnUrl, SignInManager<KefuUser> signIn)
    {
        await signIn.SignOutAsync();
        return Results.LocalRedirect("/login");
    }

    private static async Task<IResult> ChangePassword(
        [FromForm] string? current, [FromForm] string? password, [FromForm] string? confirm, [FromForm] string? returnUrl,
        HttpContext http, SignInManager<KefuUser> signIn)
    {
        var user = await signIn.UserManager.GetUserAsync(http.User);
        if (user is null)
        {
            return Results.LocalRedirect("/login");
        }

        if (string.IsNullOrEmpty(password) || password != confirm)
        {
            return Results.LocalRedirect($"/account/password?error=mismatch&returnUrl={Uri.EscapeDataString(LocalUrl(returnUrl))}");
        }

        var result = await signIn.UserManager.ChangePasswordAsync(user, current ?? "", password);
        if (!result.Succeeded)
        {
            var code = result.Errors.Any(e => e.Code == "PasswordMismatch") ? "current" : "weak";
            return Results.LocalRedirect($"/account/password?error={code}&returnUrl={Uri.EscapeDataString(LocalUrl(returnUrl))}");
        }

        user.MustChangePassword = false;
        await signIn.UserManager.UpdateAsync(user);
        await signIn.RefreshSignInAsync(user);
        return Results.LocalRedirect(LocalUrl(returnUrl));
    }

    private static IResult SetCulture(string? culture, string? returnUrl, HttpResponse response)
    {
        SetCultureCookie(response, culture);
        return Results.LocalRedirect(LocalUrl(returnUrl));
    }

    private static void SetCultureCookie(HttpResponse response, string? culture) =>
        response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture is "zh-CN" ? "zh-CN" : "en")),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = false });

    private static string LocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}
