using System.Text.RegularExpressions;

namespace Kefu.Core.Channels.Email;

/// <summary>
/// Cuts the quoted earlier mail off a reply for display: agents read what is new; the original mail is kept whole.
/// Recognises the attribution lines of the common clients in English and Chinese, Outlook's header blocks, and a
/// trailing block of "&gt;" lines. Never returns an empty text when the mail had some.
/// </summary>
public static partial class QuotedReply
{
    public static string Strip(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return text;
        }

        var lines = text.Replace("\r\n", "\n").Split('\n');
        var cut = lines.Length;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var withNext = i + 1 < lines.Length ? line + " " + lines[i + 1].Trim() : line;
            if (Attribution().IsMatch(line) || (line.StartsWith("On ", StringComparison.Ordinal) && Attribution().IsMatch(withNext))
                || Separator().IsMatch(line) || OutlookHeader(lines, i))
            {
                cut = i;
                break;
            }
        }

        // A trailing block of quoted lines (and blank lines between them) goes too.
        var end = cut;
        while (end > 0 && (lines[end - 1].TrimStart().StartsWith('>') || lines[end - 1].Trim().Length == 0))
        {
            end--;
        }

        var kept = string.Join('\n', lines[..end]).TrimEnd();
        return kept.Trim().Length == 0 ? text.Trim() : kept;
    }

    /// <summary>"From: …" followed within a few lines by "Sent:"/"Date:"/"To:" (Outlook and the Chinese clients).</summary>
    private static bool OutlookHeader(string[] lines, int i)
    {
        if (!FromLine().IsMatch(lines[i].Trim()))
        {
            return false;
        }

        for (var j = i + 1; j < Math.Min(lines.Length, i + 5); j++)
        {
            if (SentLine().IsMatch(lines[j].Trim()))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"^(On\s.{1,250}\swrote\s?:|在\s?.{1,200}(写道|寫道)\s?[:：]?|於\s?.{1,200}寫道\s?[:：]?|.{1,200}\s写道\s?[:：])\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Attribution();

    [GeneratedRegex(@"^(-{2,}\s*(Original Message|Forwarded message|原始邮件|原始郵件|转发的邮件|回复的原邮件)\s*-{2,}|_{20,})$", RegexOptions.IgnoreCase)]
    private static partial Regex Separator();

    [GeneratedRegex(@"^\*?(From|发件人|寄件者|發件人)\s*\*?\s*[:：]", RegexOptions.IgnoreCase)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"^\*?(Sent|Date|To|发送时间|日期|收件人|時間|寄件日期)\s*\*?\s*[:：]", RegexOptions.IgnoreCase)]
    private static partial Regex SentLine();
}
