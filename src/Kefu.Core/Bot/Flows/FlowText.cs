using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Kefu.Core.Bot.Flows;

/// <summary>
/// <c>{{name}}</c> templates and the lookup's JSON paths. Rendering is one pass (a value that itself contains
/// <c>{{…}}</c> stays literal text); values from a lookup are cleaned to one line of plain text before they are stored.
/// </summary>
public static partial class FlowText
{
    public const int MaxValue = 500;

    /// <summary>Names referenced by a template, in order, without duplicates.</summary>
    public static IReadOnlyList<string> Names(string? template) => template is null
        ? []
        : Placeholder().Matches(template).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Replaces each <c>{{name}}</c> with its value passed through <paramref name="encode"/>; unknown names become empty.</summary>
    public static string Render(string template, IReadOnlyDictionary<string, string> values, Func<string, string>? encode = null) =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v) ? encode is null ? v : encode(v) : "");

    public static bool IsName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>One line of plain text: control characters and line breaks become spaces, at most <see cref="MaxValue"/> characters.</summary>
    public static string Clean(string value)
    {
        var sb = new StringBuilder(Math.Min(value.Length, MaxValue));
        foreach (var c in value)
        {
            if (sb.Length >= MaxValue)
            {
                break;
            }

            sb.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c);
        }

        return sb.ToString().Trim();
    }

    /// <summary>True when the path reads like <c>a.b[0].c</c> (an optional leading <c>$.</c>).</summary>
    public static bool IsPath(string? path) => path is not null && PathPattern().IsMatch(path);

    /// <summary>The value at the path as plain text (strings as they are, numbers and booleans as written, objects as JSON), or null when absent.</summary>
    public static string? Read(JsonElement root, string path)
    {
        if (!IsPath(path))
        {
            return null;
        }

        var current = root;
        var p = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        foreach (Match segment in Segment().Matches(p))
        {
            if (segment.Groups["name"].Success)
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment.Groups["name"].Value, out current))
                {
                    return null;
                }
            }
            else
            {
                var index = int.Parse(segment.Groups["index"].Value, CultureInfo.InvariantCulture);
                if (current.ValueKind != JsonValueKind.Array || index >= current.GetArrayLength())
                {
                    return null;
                }

                current = current[index];
            }
        }

        return current.ValueKind switch
        {
            JsonValueKind.String => Clean(current.GetString() ?? ""),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => Clean(current.GetRawText()),
        };
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,39})\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,39}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(\$\.)?[A-Za-z_$@][\w$@-]*(\[\d{1,4}\])*(\.[A-Za-z_$@][\w$@-]*(\[\d{1,4}\])*)*$")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"(?<name>[A-Za-z_$@][\w$@-]*)|\[(?<index>\d{1,4})\]")]
    private static partial Regex Segment();
}
