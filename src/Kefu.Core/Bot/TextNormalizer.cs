using System.Text;

namespace Kefu.Core.Bot;

/// <summary>
/// The one normalisation every bot component applies before matching: full-width forms to ASCII (NFKC),
/// lower case, traditional Chinese characters to simplified, whitespace runs to one space.
/// </summary>
public static class TextNormalizer
{
    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var folded = text.Normalize(NormalizationForm.FormKC);
        var sb = new StringBuilder(folded.Length);
        var pendingSpace = false;
        foreach (var raw in folded)
        {
            if (char.IsWhiteSpace(raw) || char.IsControl(raw))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(TraditionalChinese.ToSimplified(char.ToLowerInvariant(raw)));
        }

        return sb.ToString();
    }

    /// <summary>True for a CJK ideograph (the unified blocks and extension A) — the characters segmented as bigrams.</summary>
    public static bool IsCjk(char c) => c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf' or >= '\uf900' and <= '\ufaff';

    /// <summary>
    /// Tokens for bag-of-words models: every CJK character is its own token (so word bigrams become character
    /// bigrams), Latin words and numbers stay whole, punctuation separates tokens and is dropped.
    /// </summary>
    public static string Tokenize(string normalized)
    {
        var sb = new StringBuilder(normalized.Length * 2);
        var inWord = false;
        foreach (var c in normalized)
        {
            if (IsCjk(c))
            {
                if (sb.Length > 0)
                {
                    sb.Append(' ');
                }

                sb.Append(c);
                inWord = false;
            }
            else if (char.IsLetterOrDigit(c) || c is '\'' && inWord)
            {
                if (!inWord && sb.Length > 0)
                {
                    sb.Append(' ');
                }

                sb.Append(c);
                inWord = true;
            }
            else
            {
                inWord = false;
            }
        }

        return sb.ToString();
    }

    public static bool IsMostlyCjk(string text)
    {
        int cjk = 0, latin = 0;
        foreach (var c in text)
        {
            if (IsCjk(c))
            {
                cjk++;
            }
            else if (char.IsLetter(c))
            {
                latin++;
            }
        }

        return cjk * 3 >= latin;
    }

}
