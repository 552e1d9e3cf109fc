using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace Kefu.Server.Features.Conversations;

/// <summary>HTML written by customers or agents is sanitized before it is stored; plain text is derived when missing.</summary>
public static class MessageHtml
{
    private static readonly HtmlSanitizer Sanitizer = Create();

    public static (string Text, string? Html) Normalize(string? text, string? html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return (text ?? "", null);
        }

        var clean = Sanitizer.Sanitize(html);
        if (!string.IsNullOrWhiteSpace(text))
        {
            return (text, clean);
        }

        var document = new HtmlParser().ParseDocument(clean);
        return (document.Body?.TextContent.Trim() ?? "", clean);
    }

    private static HtmlSanitizer Create()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedSchemes.Add("cid");
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { TagName: "A" } link)
            {
                link.SetAttribute("rel", "noopener noreferrer nofollow");
                link.SetAttribute("target", "_blank");
            }
        };
        return sanitizer;
    }
}
