using System.Globalization;
using System.Text.RegularExpressions;

namespace Kefu.Core.Bot;

/// <summary>
/// Finds money amounts in a message: 600000, ¥600,000, 60万, 1.2亿, 五十万, 三千五百元, $1,000,000, 50k. Used by the
/// high-amount handoff rule. Plain numbers count only with a currency sign or unit (元, 块, 万, ¥, rmb …), so an
/// order number or a phone number is not taken for an amount.
/// </summary>
public static partial class Amounts
{
    /// <summary>The largest amount mentioned, or null.</summary>
    public static decimal? Largest(string text)
    {
        var t = TextNormalizer.Normalize(text);
        decimal? best = null;
        foreach (Match m in Arabic().Matches(t))
        {
            if (!decimal.TryParse(m.Groups["n"].Value.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var unit = m.Groups["unit"].Value;
            var hasCurrency = m.Groups["cur"].Success || unit.Length > 0;
            if (!hasCurrency)
            {
                continue;
            }

            value *= Multiplier(unit);
            best = best is null || value > best ? value : best;
        }

        foreach (Match m in Chinese().Matches(t))
        {
            if (ParseChinese(m.Groups["n"].Value) is { } value && (m.Groups["unit"].Success || value >= 10_000))
            {
                best = best is null || value > best ? value : best;
            }
        }

        return best;
    }

    private static decimal Multiplier(string unit) => unit switch
    {
        _ when unit.StartsWith('万') || unit.StartsWith('w') => 10_000m,
        _ when unit.StartsWith('亿') => 100_000_000m,
        _ when unit.StartsWith('千') || unit.StartsWith('k') => 1_000m,
        _ when unit.StartsWith('百') => 100m,
        _ => 1m,
    };

    /// <summary>Chinese numerals: 五十万, 一百二十万, 三千五百, 两万五, 1亿 is handled by the Arabic pattern.</summary>
    internal static decimal? ParseChinese(string s)
    {
        decimal total = 0, section = 0, digit = 0;
        var any = false;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            var d = "零一二三四五六七八九".IndexOf(c);
            if (c == '两')
            {
                d = 2;
            }

            if (d >= 0)
            {
                digit = d;
                any = true;
                continue;
            }

            switch (c)
            {
                case '十':
                    section += (digit == 0 && !any ? 1 : digit == 0 ? 1 : digit) * 10;
                    digit = 0;
                    any = true;
                    break;
                case '百':
                    section += digit * 100;
                    digit = 0;
                    break;
                case '千':
                    section += digit * 1000;
                    digit = 0;
                    break;
                case '万':
                    total += (section + digit) * 10_000;
                    section = digit = 0;
                    break;
                case '亿':
                    total = (total + section + digit) * 100_000_000;
                    section = digit = 0;
                    break;
                default:
                    return null;
            }
        }

        // 两万五 = 25,000: a trailing digit after 万 counts as thousands.
        if (digit > 0 && s.Length >= 2 && s[^2] == '万')
        {
            digit *= 1000;
        }

        var value = total + section + digit;
        return any && value > 0 ? value : null;
    }

    [GeneratedRegex(@"(?<cur>[¥￥$]|rmb|cny|usd|人民币)?\s*(?<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?<unit>万元|万块|万|亿元|亿|千元|千块|千|百元|元|块钱|块|w\b|k\b|rmb\b|yuan\b|dollars?\b|usd\b)?")]
    private static partial Regex Arabic();

    [GeneratedRegex("(?<n>[零一二两三四五六七八九十百千万亿]{2,})(?<unit>元|块|块钱)?")]
    private static partial Regex Chinese();
}
