namespace Kefu.Core.Common;

/// <summary>Collects field-level validation messages; <see cref="ToError"/> is null when all is well.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsEmpty => errors.Count == 0;

    public FieldErrors Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    public FieldErrors Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "is required.");
        }

        return MaxLength(field, value, maxLength);
    }

    public FieldErrors MaxLength(string field, string? value, int maxLength) =>
        value is not null && value.Length > maxLength ? Add(field, $"must be at most {maxLength} characters.") : this;

    public FieldErrors Tags(string field, IReadOnlyList<string>? tags)
    {
        if (tags is null)
        {
            return this;
        }

        if (tags.Count > Limits.MaxTags)
        {
            Add(field, $"must contain at most {Limits.MaxTags} tags.");
        }

        for (var i = 0; i < tags.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(tags[i]))
            {
                Add($"{field}[{i}]", "must not be empty.");
            }
            else if (tags[i].Trim().Length > Limits.Tag)
            {
                Add($"{field}[{i}]", $"must be at most {Limits.Tag} characters.");
            }
        }

        return this;
    }

    /// <summary>Adds the field errors of another validation result; other errors are not field errors and are ignored.</summary>
    public FieldErrors Include(Error? error)
    {
        if (error is Invalid invalid)
        {
            foreach (var (field, messages) in invalid.Fields)
            {
                foreach (var message in messages)
                {
                    Add(field, message);
                }
            }
        }

        return this;
    }

    public Invalid? ToError() =>
        errors.Count == 0 ? null : new Invalid(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
