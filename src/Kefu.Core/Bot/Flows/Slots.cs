using System.Text;
using System.Text.RegularExpressions;

namespace Kefu.Core.Bot.Flows;

/// <summary>
/// Reads a slot's value out of the customer's answer. Built-in types find the value inside a sentence ("订单号是
/// A20240518001 谢谢"), after full-width characters are folded (１２３ → 123); a custom pattern must match the answer, and
/// its first group (if any) is the value.
/// </summary>
public static partial class Slots
{
    public const int MaxText = 200;

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    public static string? Read(SlotType type, string? pattern, string answer)
    {
        var text = answer.Normalize(NormalizationForm.FormKC).Trim();
        if (text.Length == 0)
        {
            return null;
        }

        switch (type)
        {
            case SlotType.Text:
                return text.Length <= MaxText ? text : null;
            case SlotType.OrderNumber:
                return OrderNumber().Match(text) is { Success: true } o ? o.Value.ToUpperInvariant() : null;
            case SlotType.Phone:
                var compact = PhoneSeparators().Replace(text, "");
                return Phone().Match(compact) is { Success: true } p ? p.Value : null;
            case SlotType.Email:
                return Email().Match(text) is { Success: true } e ? e.Value : null;
            case SlotType.Number:
                return Number().Match(text) is { Success: true } n ? n.Value : null;
            case SlotType.Regex:
                if (pattern is null || Compile(pattern) is not { } regex)
                {
                    return null;
                }

                try
                {
                    var m = regex.Match(text);
                    return !m.Success ? null : m.Groups.Count > 1 && m.Groups[1].Success ? m.Groups[1].Value : m.Value;
                }
                catch (RegexMatchTimeoutException)
                {
                    return null;
                }

            default:
                return null;
        }
    }

    /// <summary>The admin's pattern, or null when it does not compile.</summary>
    public static Regex? Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // Optional letters (DD, SO-), then at least 4 digits; letters/digits/hyphens around it would make it another word.
    [GeneratedRegex(@"(?<![A-Za-z0-9-])[A-Za-z]{0,4}-?\d[\dA-Za-z-]{3,30}(?<=\d)(?![A-Za-z0-9-])")]
    private static partial Regex OrderNumber();

    [GeneratedRegex(@"(?<=\d)[ \-](?=\d)")]
    private static partial Regex PhoneSeparators();

    [GeneratedRegex(@"(?<![\d+])\+?\d{7,15}(?!\d)")]
    private static partial Regex Phone();

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();

    [GeneratedRegex(@"-?\d+(?:\.\d+)?")]
    private static partial Regex Number();
}
