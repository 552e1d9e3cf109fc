using System.Text.RegularExpressions;
using Kefu.Core.Common;

namespace Kefu.Core.Workspace;

/// <summary>
/// A quick reply. Shared with a team (TeamId), personal (OwnerId), or for everyone (neither). The body may use
/// {{customer.name}}, {{agent.name}}, {{conversation.number}} and the other variables of <see cref="CannedVariables"/>.
/// </summary>
public sealed partial class CannedResponse
{
    private CannedResponse()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>What agents type after "/" to find it, e.g. "refund".</summary>
    public string Shortcut { get; private set; } = "";

    public string Title { get; private set; } = "";

    public string Body { get; private set; } = "";

    public Guid? TeamId { get; private set; }

    public Guid? OwnerId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static Result<CannedResponse> Create(Guid id, string? shortcut, string? title, string? body, Guid? teamId, Guid? ownerId, DateTimeOffset now)
    {
        var response = new CannedResponse { Id = id, CreatedAt = now, TeamId = teamId, OwnerId = ownerId };
        var applied = response.Update(shortcut, title, body, now);
        return applied.IsOk ? response : applied.Error!;
    }

    public Result<IReadOnlyList<FieldChange>> Update(string? shortcut, string? title, string? body, DateTimeOffset now)
    {
        var errors = new FieldErrors().Required("shortcut", shortcut, 40).Required("title", title, Limits.Name).Required("body", body, 10_000);
        if (shortcut is not null && !ShortcutPattern().IsMatch(shortcut.Trim()))
        {
            errors.Add("shortcut", "may contain letters (any language), digits, - and _ only, without spaces.");
        }

        if (body is not null && CannedVariables.Unknown(body).FirstOrDefault() is { } unknown)
        {
            errors.Add("body", $"uses the unknown variable {{{{{unknown}}}}}; known: {string.Join(", ", CannedVariables.Names)}.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        if (shortcut!.Trim() != Shortcut)
        {
            changes.Add(new("shortcut", Shortcut, shortcut.Trim()));
            Shortcut = shortcut.Trim();
        }

        if (title!.Trim() != Title)
        {
            changes.Add(new("title", Title, title.Trim()));
            Title = title.Trim();
        }

        if (body! != Body)
        {
            changes.Add(new("body", Body, body));
            Body = body!;
        }

        UpdatedAt = now;
        return changes;
    }

    public bool Matches(string query) =>
        query.Length == 0
        || Shortcut.Contains(query, StringComparison.OrdinalIgnoreCase)
        || Title.Contains(query, StringComparison.OrdinalIgnoreCase)
        || Body.Contains(query, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^[\p{L}\p{N}_-]+$")]
    private static partial Regex ShortcutPattern();
}

/// <summary>The variables a canned response may use, and their substitution.</summary>
public static partial class CannedVariables
{
    public static readonly IReadOnlyList<string> Names =
        ["customer.name", "customer.email", "agent.name", "conversation.number", "conversation.subject"];

    public static IEnumerable<string> Unknown(string body) =>
        VariablePattern().Matches(body).Select(m => m.Groups[1].Value.Trim()).Where(n => !Names.Contains(n)).Distinct();

    /// <summary>Replaces known variables; a value that is missing becomes empty rather than leaking the placeholder.</summary>
    public static string Render(string body, IReadOnlyDictionary<string, string?> values) =>
        VariablePattern().Replace(body, m => values.TryGetValue(m.Groups[1].Value.Trim(), out var v) ? v ?? "" : m.Value);

    [GeneratedRegex(@"\{\{\s*([a-z_.]+)\s*\}\}")]
    private static partial Regex VariablePattern();
}
