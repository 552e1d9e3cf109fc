namespace Kefu.Core.Common;

/// <summary>One changed field, recorded in the activity trail as before → after.</summary>
public sealed record FieldChange(string Field, string? Before, string? After);

public static class Tags
{
    /// <summary>Trimmed, lower-cased, distinct, in first-seen order.</summary>
    public static List<string> Normalize(IEnumerable<string> tags) =>
        tags.Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    public static string Format(IEnumerable<string> tags) => string.Join(",", tags);
}
