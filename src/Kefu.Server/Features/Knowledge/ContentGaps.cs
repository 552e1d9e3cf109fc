using Kefu.Assistant.Models;
using Kefu.Core.Knowledge;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Knowledge;

/// <summary>Groups content gaps for authors: wordings that share most of their character bigrams are one question.</summary>
public static class ContentGaps
{
    public static async Task<List<ContentGapGroup>> GroupedAsync(KefuDbContext db, GapSource? source, string? language, bool resolved, int limit, CancellationToken ct)
    {
        var q = db.ContentGaps.AsNoTracking().Where(g => resolved ? g.ResolvedAt != null : g.ResolvedAt == null);
        q = source is { } s ? q.Where(g => g.Source == s) : q;
        q = language is { } l ? q.Where(g => g.Language == l) : q;
        var gaps = await q.OrderByDescending(g => g.Count).ThenByDescending(g => g.LastAt).Take(2000).ToListAsync(ct);
        var groups = new List<(HashSet<string> Grams, List<ContentGap> Items)>();
        foreach (var gap in gaps)
        {
            var grams = FaqMatcher.Bigrams(gap.Normalized);
            var home = groups.FirstOrDefault(g => g.Items[0].Source == gap.Source && g.Items[0].Language == gap.Language && Similarity(g.Grams, grams) >= 0.6);
            if (home.Items is null)
            {
                groups.Add((grams, [gap]));
            }
            else
            {
                home.Items.Add(gap);
            }
        }

        return groups
            .Select(g => new ContentGapGroup(g.Items[0].Text, g.Items.Sum(i => i.Count), g.Items[0].Source, g.Items[0].Language, g.Items.Max(i => i.LastAt),
                g.Items.Select(ContentGapDto.From).ToList()))
            .OrderByDescending(g => g.Count).ThenByDescending(g => g.LastAt).Take(limit).ToList();
    }

    private static double Similarity(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }

        var common = a.Count(b.Contains);
        return common / (double)Math.Min(a.Count, b.Count) * (2.0 * Math.Min(a.Count, b.Count) / (a.Count + b.Count) > 0.5 ? 1 : 0.8);
    }
}
