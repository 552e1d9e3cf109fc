using System.Text;
using System.Xml;
using Kefu.Core.Knowledge;
using Kefu.Data;
using Kefu.Server.Features.Knowledge;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.HelpCenter;

/// <summary>
/// The plain-HTTP side of the public help center (its pages are static server-rendered components): the language
/// redirect, "was this helpful?" answers posted by a plain form, and sitemap.xml.
/// </summary>
public static class HelpCenterEndpoints
{
    public static void MapHelpCenterEndpoints(this IEndpointRouteBuilder app)
    {
        var help = app.MapGroup("").WithTags("Help center").AllowAnonymous();
        help.MapGet("/help", (HttpRequest request) => TypedResults.Redirect($"/help/{KbLanguages.Closest(request.Headers.AcceptLanguage.ToString())}"))
            .WithSummary("The help center in the reader's language (from Accept-Language).");
        help.MapPost("/help/{language}/articles/{slug}/feedback", FeedbackAsync).DisableAntiforgery()
            .WithSummary("\"Was this helpful?\": a form field helpful=yes|no; answers 303 back to the article.");
        help.MapGet("/sitemap.xml", SitemapAsync).WithSummary("Every published help-center page in both languages.");
    }

    /// <summary>The help center's pages are in the language of their address, whatever the reader's UI language.</summary>
    public static void AddHelpCenterCulture(RequestLocalizationOptions options) =>
        options.RequestCultureProviders.Insert(0, new CustomRequestCultureProvider(http =>
        {
            var segments = http.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
            return Task.FromResult(segments is ["help", var language, ..] && KbLanguages.IsSupported(language)
                ? new ProviderCultureResult(language)
                : null);
        }));

    private static async Task<IResult> FeedbackAsync(string language, string slug, HttpRequest request, KefuDbContext db, CancellationToken ct)
    {
        if (!KbLanguages.IsSupported(language) || !request.HasFormContentType)
        {
            return TypedResults.BadRequest();
        }

        var form = await request.ReadFormAsync(ct);
        var helpful = form["helpful"].ToString() switch
        {
            "yes" => true,
            "no" => (bool?)false,
            _ => null,
        };
        var id = await db.Articles.AsNoTracking().Where(a => a.Language == language && a.Slug == slug && a.Status == KbStatus.Published).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
        if (id is null || helpful is null)
        {
            return TypedResults.NotFound();
        }

        await KnowledgeCommands.FeedbackAsync(db, id.Value, helpful.Value, ct);
        return new SeeOtherResult($"{HelpCenterQueries.ArticleUrl(language, slug)}?feedback=thanks#feedback");
    }

    /// <summary>303: after a form post, the browser gets the page again (no resubmission on reload).</summary>
    private sealed class SeeOtherResult(string url) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            http.Response.Headers.Location = url;
            return Task.CompletedTask;
        }
    }

    private static async Task<IResult> SitemapAsync(HttpRequest request, KefuDbContext db, CancellationToken ct)
    {
        var origin = $"{request.Scheme}://{request.Host}";
        var articles = await db.Articles.AsNoTracking().Where(a => a.Status == KbStatus.Published)
            .OrderBy(a => a.Language).ThenBy(a => a.Slug).Select(a => new { a.Language, a.Slug, a.UpdatedAt }).ToListAsync(ct);
        var categories = await db.KbCategories.AsNoTracking().Select(c => new { c.Id, c.Slug }).ToListAsync(ct);
        var used = await db.Articles.AsNoTracking().Where(a => a.Status == KbStatus.Published && a.CategoryId != null)
            .Select(a => new { a.Language, a.CategoryId }).Distinct().ToListAsync(ct);
        var sb = new StringBuilder();
        using (var xml = XmlWriter.Create(sb, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("urlset", "http://www.sitemaps.org/schemas/sitemap/0.9");
            void Url(string path, DateTimeOffset? modified)
            {
                xml.WriteStartElement("url");
                xml.WriteElementString("loc", origin + path);
                if (modified is { } m)
                {
                    xml.WriteElementString("lastmod", m.UtcDateTime.ToString("yyyy-MM-dd"));
                }

                xml.WriteEndElement();
            }

            foreach (var language in KbLanguages.All)
            {
                Url($"/help/{language}", null);
            }

            foreach (var u in used)
            {
                if (categories.FirstOrDefault(c => c.Id == u.CategoryId) is { } c)
                {
                    Url(HelpCenterQueries.CategoryUrl(u.Language, c.Slug), null);
                }
            }

            foreach (var a in articles)
            {
                Url(HelpCenterQueries.ArticleUrl(a.Language, a.Slug), a.UpdatedAt);
            }

            xml.WriteEndElement();
        }

        return Results.Text(sb.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\""), "application/xml", Encoding.UTF8);
    }
}
