using Kefu.Core.Common;

namespace Kefu.Core.Knowledge;

/// <summary>Where a knowledge-base item is in its life: authors write drafts, the bot and the help center read published items.</summary>
public enum KbStatus
{
    Draft,
    Published,
    Archived,
}

/// <summary>Languages of the knowledge base, the help center and the bot.</summary>
public static class KbLanguages
{
    public const string Chinese = "zh-CN";
    public const string English = "en";

    public static readonly IReadOnlyList<string> All = [Chinese, English];

    public static bool IsSupported(string? language) => language is Chinese or English;

    /// <summary>zh, zh-Hans, zh-TW… read the Chinese knowledge base; anything else the English one.</summary>
    public static string Closest(string? language) =>
        language?.StartsWith("zh", StringComparison.OrdinalIgnoreCase) == true ? Chinese : English;

    /// <summary>The language a message is written in: Chinese when it has Chinese characters, else the fallback.</summary>
    public static string Detect(string text, string? fallback)
    {
        var cjk = 0;
        var latin = 0;
        foreach (var c in text)
        {
            if (c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf')
            {
                cjk++;
            }
            else if (char.IsAsciiLetter(c))
            {
                latin++;
            }
        }

        return cjk > 0 && cjk * 3 >= latin ? Chinese : latin > 0 ? English : Closest(fallback);
    }
}

/// <summary>Field limits of the knowledge base.</summary>
public static class KbLimits
{
    public const int Key = 64;
    public const int Question = 500;
    public const int MaxSimilar = 100;
    public const int Answer = 10_000;
    public const int Title = 200;
    public const int Summary = 300;
    public const int Body = 200_000;
    public const int Html = 400_000;
    public const int GapText = 500;
}

/// <summary>URL-safe keys: FAQ ids (<c>F001</c>, <c>shipping_time</c>) and slugs (<c>how-to-return</c>).</summary>
public static class KbKeys
{
    public static bool IsKey(string key) =>
        key.Length is > 0 and <= KbLimits.Key && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && char.IsAsciiLetterOrDigit(key[0]);

    public static bool IsSlug(string slug) =>
        slug.Length is > 0 and <= KbLimits.Key && slug.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_') && slug[0] != '-' && slug[^1] != '-';

    /// <summary>A slug from a title: ASCII letters and digits kept, the rest folded to single dashes; empty for a Chinese-only title.</summary>
    public static string Slugify(string title)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var c in title.Trim().ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        var slug = sb.ToString().Trim('-');
        return slug.Length > KbLimits.Key ? slug[..KbLimits.Key].TrimEnd('-') : slug;
    }

    internal static void Check(FieldErrors errors, string field, string? language)
    {
        if (!KbLanguages.IsSupported(language))
        {
            errors.Add(field, "must be \"zh-CN\" or \"en\".");
        }
    }
}
