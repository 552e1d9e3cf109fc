namespace Kefu.Core.Bot.Flows;

/// <summary>
/// Which flow a customer's message starts: an enabled flow of the inbox whose trigger phrase (in the message's
/// language, or the other one) the message contains, after <see cref="TextNormalizer"/> (traditional characters,
/// full-width forms, case). The longest phrase wins, so "取消订单" beats "订单"; ties go to the oldest flow.
/// </summary>
public static class FlowTriggers
{
    public static BotFlow? Match(IEnumerable<BotFlow> flows, Guid inboxId, string text, string language)
    {
        BotFlow? best = null;
        var bestScore = 0;
        foreach (var flow in flows.Where(f => f.Enabled && f.AppliesTo(inboxId)).OrderBy(f => f.CreatedAt).ThenBy(f => f.Id))
        {
            var score = Score(flow, text, language);
            if (score > bestScore)
            {
                best = flow;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>How well the message matches the flow's phrases (0: not at all), enabled or not.</summary>
    public static int Score(BotFlow flow, string text, string language)
    {
        var t = TextNormalizer.Normalize(text);
        var chinese = language.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
        var best = 0;
        // The message's own language first; a phrase of the other language counts a little less.
        foreach (var (phrases, bonus) in new[] { (chinese ? flow.TriggersZh : flow.TriggersEn, 1), (chinese ? flow.TriggersEn : flow.TriggersZh, 0) })
        {
            foreach (var phrase in phrases)
            {
                var p = TextNormalizer.Normalize(phrase);
                if (p.Length > 0 && t.Contains(p, StringComparison.Ordinal))
                {
                    best = Math.Max(best, p.Length * 2 + bonus);
                }
            }
        }

        return best;
    }

    /// <summary>The enabled flow of the inbox attached to this FAQ entry, if any.</summary>
    public static BotFlow? ForFaq(IEnumerable<BotFlow> flows, Guid inboxId, string faqKey) =>
        flows.Where(f => f.Enabled && f.AppliesTo(inboxId) && f.FaqKey == faqKey).OrderBy(f => f.CreatedAt).FirstOrDefault();
}
