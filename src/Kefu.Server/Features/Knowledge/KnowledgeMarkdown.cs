using System.Text;
using Ganss.Xss;
using Kefu.Core.Knowledge;
using Markdig;

namespace Kefu.Server.Features.Knowledge;

/// <summary>
/// Articles are Markdown: rendered with Markdig (tables, lists, auto links, heading ids; raw HTML is not passed
/// through) and then sanitized, so nothing an author writes can run script in the public help center.
/// </summary>
public static class KnowledgeMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAdvancedExtensions()
        .DisableHtml()
        .Build();

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    public static string ToHtml(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : Sanitizer.Sanitize(Markdown.ToHtml(markdown, Pipeline));

    /// <summary>Plain text of the Markdown (search snippets, bot answers).</summary>
    public static string ToText(string? markdown) =>
        string.IsNullOrWhiteSpace(markdown) ? "" : Markdown.ToPlainText(markdown, Pipeline).Trim();

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedAttributes.Add("id");
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { TagName: "A" } link && link.GetAttribute("href") is { } href && !href.StartsWith('/') && !href.StartsWith('#'))
            {
                link.SetAttribute("rel", "noopener noreferrer nofollow");
            }
        };
        return sanitizer;
    }

    /// <summary>An article as a Markdown file: YAML-style front matter (slug, title, summary, category, status, language) and the body.</summary>
    public static string Export(Article a, string? categorySlug)
    {
        var sb = new StringBuilder();
        sb.Append("---\n");
        sb.Append("slug: ").Append(a.Slug).Append('\n');
        sb.Append("title: ").Append(Quote(a.Title)).Append('\n');
        sb.Append("summary: ").Append(Quote(a.Summary)).Append('\n');
        sb.Append("language: ").Append(a.Language).Append('\n');
        sb.Append("category: ").Append(categorySlug ?? "").Append('\n');
        sb.Append("status: ").Append(Kefu.Core.Common.WireName.Of(a.Status)).Append('\n');
        sb.Append("position: ").Append(a.Position).Append('\n');
        sb.Append("---\n\n");
        sb.Append(a.Body.TrimEnd()).Append('\n');
        return sb.ToString();
    }

    /// <summary>Reads a Markdown file with optional front matter; keys it does not know are ignored.</summary>
    public static (Dictionary<string, string> Front, string Body) Parse(string text)
    {
        var front = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var normalized = text.Replace("\r\n", "\n").TrimStart('\uFEFF');
        if (!normalized.StartsWith("---\n", StringComparison.Ordinal))
        {
            return (front, normalized);
        }

        var end = normalized.IndexOf("\n---", 4, StringComparison.Ordinal);
        if (end < 0)
        {
            return (front, normalized);
        }

        foreach (var line in normalized[4..end].Split('\n'))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                front[line[..colon].Trim()] = Unquote(line[(colon + 1)..].Trim());
            }
        }

        var bodyStart = normalized.IndexOf('\n', end + 1);
        return (front, bodyStart < 0 ? "" : normalized[(bodyStart + 1)..].TrimStart('\n'));
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string Unquote(string s) =>
        s.Length >= 2 && s[0] == '"' && s[^1] == '"' ? s[1..^1].Replace("\\\"", "\"").Replace("\\\\", "\\") : s;
}
