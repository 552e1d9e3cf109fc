using Kefu.Core.Common;

namespace Kefu.Core.Knowledge;

/// <summary>What an author writes for an FAQ entry (and what a revision keeps).</summary>
public sealed record FaqContent(string? Key, Guid? CategoryId, string? Question, IReadOnlyList<string>? Similar, string? Answer, KbStatus Status);

/// <summary>
/// An FAQ entry in one language: the standard question, similar questions (other ways customers ask it) and the
/// answer. The bot matches customers' messages against the question and the similar questions of published entries.
/// Every change is a new revision (<see cref="KbRevision"/>), so any earlier text can be restored.
/// </summary>
public sealed class Faq
{
    private Faq()
    {
    }

    public Guid Id { get; private set; }

    public string Language { get; private set; } = KbLanguages.Chinese;

    /// <summary>The author's id of the entry (the CSV's id column), unique per language.</summary>
    public string Key { get; private set; } = "";

    public Guid? CategoryId { get; private set; }

    public string Question { get; private set; } = "";

    public List<string> Similar { get; private set; } = [];

    public string Answer { get; private set; } = "";

    public KbStatus Status { get; private set; }

    /// <summary>The number of the latest revision (1 for a new entry).</summary>
    public int Revision { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? PublishedAt { get; private set; }

    public int Version { get; private set; }

    public FaqContent Content => new(Key, CategoryId, Question, Similar, Answer, Status);

    public static Result<Faq> Create(Guid id, string? language, FaqContent content, DateTimeOffset now, string prefix = "")
    {
        var errors = new FieldErrors();
        KbKeys.Check(errors, prefix + "language", language);
        errors.Include(Validate(content, prefix));
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var faq = new Faq { Id = id, Language = language!, CreatedAt = now, Version = 0 };
        faq.Apply(content, now, prefix);
        faq.Revision = 1;
        return faq;
    }

    /// <summary>Applies new content; a real change bumps the revision (the caller stores the revision row).</summary>
    public Result<IReadOnlyList<FieldChange>> Apply(FaqContent c, DateTimeOffset now, string prefix = "")
    {
        if (Validate(c, prefix) is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        KbCategory.Set(changes, "key", Key, c.Key!.Trim(), v => Key = v);
        if (c.CategoryId != CategoryId)
        {
            changes.Add(new("categoryId", CategoryId?.ToString(), c.CategoryId?.ToString()));
            CategoryId = c.CategoryId;
        }

        KbCategory.Set(changes, "question", Question, c.Question!.Trim(), v => Question = v);
        var similar = CleanSimilar(c.Similar, Question);
        if (!similar.SequenceEqual(Similar, StringComparer.Ordinal))
        {
            changes.Add(new("similar", string.Join(" | ", Similar), string.Join(" | ", similar)));
            Similar = similar;
        }

        KbCategory.Set(changes, "answer", Answer, c.Answer!.Trim(), v => Answer = v);
        if (c.Status != Status || Version == 0)
        {
            if (c.Status != Status)
            {
                changes.Add(new("status", WireName.Of(Status), WireName.Of(c.Status)));
            }

            Status = c.Status;
            if (Status == KbStatus.Published && PublishedAt is null)
            {
                PublishedAt = now;
            }
        }

        if (changes.Count > 0)
        {
            UpdatedAt = now;
            Revision++;
            Version++;
        }

        return changes;
    }

    private static Invalid? Validate(FaqContent c, string prefix)
    {
        var errors = new FieldErrors()
            .Required(prefix + "question", c.Question, KbLimits.Question)
            .Required(prefix + "answer", c.Answer, KbLimits.Answer)
            .Required(prefix + "key", c.Key, KbLimits.Key);
        if (c.Key is { Length: > 0 } key && !KbKeys.IsKey(key.Trim()))
        {
            errors.Add(prefix + "key", "may contain only letters, digits, '-', '_' and '.', starting with a letter or digit.");
        }

        if (c.Similar is { } similar)
        {
            if (similar.Count > KbLimits.MaxSimilar)
            {
                errors.Add(prefix + "similar", $"must contain at most {KbLimits.MaxSimilar} questions.");
            }

            for (var i = 0; i < similar.Count; i++)
            {
                if (similar[i] is null || similar[i].Trim().Length > KbLimits.Question)
                {
                    errors.Add($"{prefix}similar[{i}]", $"must be a question of at most {KbLimits.Question} characters.");
                }
                else if (similar[i].Contains('|'))
                {
                    errors.Add($"{prefix}similar[{i}]", "must not contain '|' (it separates similar questions in CSV files).");
                }
            }
        }

        return errors.ToError();
    }

    private static List<string> CleanSimilar(IReadOnlyList<string>? similar, string question) =>
        (similar ?? []).Select(s => s.Trim()).Where(s => s.Length > 0 && s != question)
            .Distinct(StringComparer.Ordinal).ToList();
}
