using System.Text;
using System.Text.RegularExpressions;

namespace Kefu.Core.Llm;

/// <summary>The kinds of personal data that never leave the server in text sent to a language model.</summary>
public enum PiiKind
{
    Phone,
    Email,
    IdNumber,
    BankCard,
}

/// <summary>
/// One redaction session: every text of one request to a language model goes through the same session, so the same
/// phone number is the same placeholder everywhere (<c>[PHONE_1]</c>, <c>[EMAIL_1]</c>, <c>[ID_1]</c>, <c>[CARD_1]</c>)
/// and the model can still refer to it. The mapping stays on the server; <see cref="Restore"/> puts the originals
/// back into what the model answered, for readers who could already see them (the agent, the customer who wrote them).
/// </summary>
public sealed class PiiRedaction
{
    private readonly Dictionary<string, string> byPlaceholder = new(StringComparer.Ordinal);
    private readonly Dictionary<(PiiKind, string), string> byValue = [];
    private readonly Dictionary<PiiKind, int> counts = [];

    /// <summary>Placeholder → original value.</summary>
    public IReadOnlyDictionary<string, string> Mapping => byPlaceholder;

    public int Count => byPlaceholder.Count;

    /// <summary>The text with every phone number, e-mail address, resident ID number and bank card number replaced.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        // Most specific first: an e-mail address may hold digits, an ID number is also a long digit run, and a
        // "+"/"86"-prefixed mobile is a phone even when its digits happen to pass the card checksum.
        var result = PiiPatterns.Email().Replace(text, m => Placeholder(PiiKind.Email, m.Value, m.Value.ToLowerInvariant()));
        result = PiiPatterns.IdNumber18().Replace(result, m => ChineseIds.IsValid18(m.Value) ? Placeholder(PiiKind.IdNumber, m.Value, m.Value.ToUpperInvariant()) : m.Value);
        result = PiiPatterns.InternationalPhone().Replace(result, m => DigitCount(m.Value) is >= 8 and <= 15 ? Placeholder(PiiKind.Phone, m.Value, Digits(m.Value)) : m.Value);
        result = PiiPatterns.ChineseMobile().Replace(result, m => Placeholder(PiiKind.Phone, m.Value, Digits(m.Value)[^11..]));
        result = PiiPatterns.DigitRun().Replace(result, m =>
        {
            var digits = Digits(m.Value);
            return digits.Length is >= 13 and <= 19 && Luhn.IsValid(digits) ? Placeholder(PiiKind.BankCard, m.Value, digits) : m.Value;
        });
        result = PiiPatterns.IdNumber15().Replace(result, m => Placeholder(PiiKind.IdNumber, m.Value, m.Value));
        result = PiiPatterns.Landline().Replace(result, m => Placeholder(PiiKind.Phone, m.Value, Digits(m.Value)));
        return result;
    }

    /// <summary>The text with the placeholders of this session replaced by their original values; unknown ones stay.</summary>
    public string Restore(string? text) => string.IsNullOrEmpty(text)
        ? ""
        : PiiPatterns.Placeholder().Replace(text, m => byPlaceholder.TryGetValue(m.Value, out var original) ? original : m.Value);

    public static string PlaceholderName(PiiKind kind) => kind switch
    {
        PiiKind.Phone => "PHONE",
        PiiKind.Email => "EMAIL",
        PiiKind.IdNumber => "ID",
        PiiKind.BankCard => "CARD",
    };

    private string Placeholder(PiiKind kind, string original, string key)
    {
        if (byValue.TryGetValue((kind, key), out var known))
        {
            return known;
        }

        var n = counts[kind] = counts.GetValueOrDefault(kind) + 1;
        var placeholder = $"[{PlaceholderName(kind)}_{n}]";
        byValue[(kind, key)] = placeholder;
        byPlaceholder[placeholder] = original;
        return placeholder;
    }

    private static string Digits(string s)
    {
        var b = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (char.IsAsciiDigit(c))
            {
                b.Append(c);
            }
        }

        return b.ToString();
    }

    private static int DigitCount(string s) => s.Count(char.IsAsciiDigit);
}

/// <summary>One-shot redaction of a single text.</summary>
public static class PiiRedactor
{
    public static (string Text, IReadOnlyDictionary<string, string> Mapping) Redact(string? text)
    {
        var session = new PiiRedaction();
        return (session.Redact(text), session.Mapping);
    }
}

/// <summary>Mainland China resident identity numbers (GB 11643): 18 characters with an ISO 7064 check character, or the old 15 digits.</summary>
public static class ChineseIds
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string Checks = "10X98765432";

    public static bool IsValid18(string id)
    {
        if (id.Length != 18)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(id[i]))
            {
                return false;
            }

            sum += (id[i] - '0') * Weights[i];
        }

        return char.ToUpperInvariant(id[17]) == Checks[sum % 11] && ValidDate(id.Substring(6, 8));
    }

    private static bool ValidDate(string yyyymmdd) =>
        DateOnly.TryParseExact(yyyymmdd, "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _);
}

/// <summary>The Luhn (mod 10) checksum of payment card numbers.</summary>
public static class Luhn
{
    public static bool IsValid(string digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            if (!char.IsAsciiDigit(digits[i]))
            {
                return false;
            }

            var d = digits[i] - '0';
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return digits.Length > 0 && sum % 10 == 0;
    }
}

internal static partial class PiiPatterns
{
    // Boundaries: no ASCII letter or digit right before or after, so numbers inside words, ids and longer runs stay;
    // Chinese text directly around a number ("电话13812345678谢谢") still counts as a boundary.
    private const string Before = @"(?<![0-9A-Za-z])";
    private const string After = @"(?![0-9A-Za-z])";

    [GeneratedRegex(@"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9])")]
    internal static partial Regex Email();

    [GeneratedRegex(Before + @"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]" + After)]
    internal static partial Regex IdNumber18();

    // Old 15-digit numbers: region, YYMMDD, sequence.
    [GeneratedRegex(Before + @"[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}" + After)]
    internal static partial Regex IdNumber15();

    // "+" or "00" and a country code, then digits with spaces, dashes, dots or brackets between them.
    [GeneratedRegex(@"(?<![A-Za-z0-9+])(?:\+|00)[1-9]\d{0,2}(?:[ .\-]?\(?\d{1,4}\)?){2,6}" + After)]
    internal static partial Regex InternationalPhone();

    // Card numbers: 13-19 digits, possibly grouped by spaces or dashes (checked with Luhn by the caller).
    [GeneratedRegex(Before + @"\d(?:[ \-]?\d){12,18}" + After)]
    internal static partial Regex DigitRun();

    // Mainland mobiles: 1[3-9]x xxxx xxxx, optionally after 86 / 0086, with spaces or dashes as 3-4-4.
    [GeneratedRegex(Before + @"(?:(?:0086|86)[ \-]?)?1[3-9]\d[ \-]?\d{4}[ \-]?\d{4}" + After)]
    internal static partial Regex ChineseMobile();

    // Landlines: area code 0xx/0xxx (optionally in brackets) and 7-8 digits, optional extension; 400/800 numbers.
    [GeneratedRegex(Before + @"(?:(?:\(0\d{2,3}\)|0\d{2,3})[ \-]?\d{3,4}[ \-]?\d{4}|[48]00[ \-]?\d{3}[ \-]?\d{4})(?:[ \-]?(?:转|ext\.?|x|#)[ ]?\d{1,5})?" + After)]
    internal static partial Regex Landline();

    [GeneratedRegex(@"\[(?:PHONE|EMAIL|ID|CARD)_\d+\]")]
    internal static partial Regex Placeholder();
}
