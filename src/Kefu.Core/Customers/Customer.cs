using Kefu.Core.Common;

namespace Kefu.Core.Customers;

public sealed record CustomerPatch(
    Optional<string?> Name = default,
    Optional<string?> Language = default,
    Optional<IReadOnlyDictionary<string, string>> Attributes = default,
    Optional<IReadOnlyList<string>> Tags = default);

/// <summary>A person who contacts the business, recognised on every channel by their identities.</summary>
public sealed class Customer
{
    private Customer()
    {
    }

    public Guid Id { get; private set; }

    public string? Name { get; private set; }

    public string? Language { get; private set; }

    public Dictionary<string, string> Attributes { get; private set; } = [];

    public List<string> Tags { get; private set; } = [];

    public List<CustomerIdentity> Identities { get; private set; } = [];

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public Guid? MergedIntoId { get; private set; }

    public int Version { get; private set; }

    public string DisplayName => !string.IsNullOrWhiteSpace(Name) ? Name
        : Identities.OrderBy(i => i.Kind).Select(i => i.Value).FirstOrDefault() ?? "(unknown)";

    public static Result<Customer> Create(Guid id, string? name, string? language, IReadOnlyDictionary<string, string>? attributes, IReadOnlyList<string>? tags, DateTimeOffset now)
    {
        var errors = Validate(name, language, attributes, tags);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        return new Customer
        {
            Id = id,
            Name = Clean(name),
            Language = Clean(language),
            Attributes = attributes?.ToDictionary(a => a.Key.Trim(), a => a.Value) ?? [],
            Tags = Common.Tags.Normalize(tags ?? []),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
    }

    public Result<IReadOnlyList<FieldChange>> Apply(CustomerPatch patch, DateTimeOffset now)
    {
        if (MergedIntoId is not null)
        {
            return new Conflict($"Customer {Id} was merged into {MergedIntoId} and can no longer be changed.");
        }

        var errors = Validate(
            patch.Name.HasValue ? patch.Name.Value : null,
            patch.Language.HasValue ? patch.Language.Value : null,
            patch.Attributes.HasValue ? patch.Attributes.Value : null,
            patch.Tags.HasValue ? patch.Tags.Value : null);
        if (patch.Attributes.HasValue && patch.Attributes.Value is null)
        {
            errors.Add("attributes", "must be an object (use {} to remove all attributes).");
        }

        if (patch.Tags.HasValue && patch.Tags.Value is null)
        {
            errors.Add("tags", "must be a list (use [] to remove all tags).");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        if (patch.Name.HasValue && Clean(patch.Name.Value) != Name)
        {
            changes.Add(new("name", Name, Clean(patch.Name.Value)));
            Name = Clean(patch.Name.Value);
        }

        if (patch.Language.HasValue && Clean(patch.Language.Value) != Language)
        {
            changes.Add(new("language", Language, Clean(patch.Language.Value)));
            Language = Clean(patch.Language.Value);
        }

        if (patch.Attributes.HasValue)
        {
            var next = patch.Attributes.Value!.ToDictionary(a => a.Key.Trim(), a => a.Value);
            foreach (var key in Attributes.Keys.Union(next.Keys).Order(StringComparer.Ordinal))
            {
                var before = Attributes.GetValueOrDefault(key);
                var after = next.GetValueOrDefault(key);
                if (before != after)
                {
                    changes.Add(new($"attributes.{key}", before, after));
                }
            }

            Attributes = next;
        }

        if (patch.Tags.HasValue)
        {
            var tags = Common.Tags.Normalize(patch.Tags.Value!);
            if (!tags.SequenceEqual(Tags))
            {
                changes.Add(new("tags", Common.Tags.Format(Tags), Common.Tags.Format(tags)));
                Tags = tags;
            }
        }

        Touch(changes, now);
        return changes;
    }

    /// <summary>
    /// Merges this duplicate into <paramref name="target"/>: identities move, the target's own values win, missing
    /// values and attributes are taken over, tags are united. The caller moves the conversations.
    /// </summary>
    public Result<IReadOnlyList<FieldChange>> MergeInto(Customer target, DateTimeOffset now)
    {
        if (target.Id == Id)
        {
            return Invalid.Field("targetId", "must be a different customer.");
        }

        if (MergedIntoId is not null || target.MergedIntoId is not null)
        {
            return new Conflict("A customer that was already merged cannot take part in another merge.");
        }

        var changes = new List<FieldChange>();
        foreach (var identity in Identities.ToList())
        {
            identity.MoveTo(target.Id);
            Identities.Remove(identity);
            target.Identities.Add(identity);
            changes.Add(new("identity", identity.Display, null));
        }

        target.Name ??= Name;
        target.Language ??= Language;
        foreach (var (key, value) in Attributes)
        {
            target.Attributes.TryAdd(key, value);
        }

        target.Attributes = new Dictionary<string, string>(target.Attributes);
        target.Tags = Common.Tags.Normalize(target.Tags.Concat(Tags));
        target.UpdatedAt = now;
        target.Version++;

        MergedIntoId = target.Id;
        changes.Add(new("mergedInto", null, target.Id.ToString()));
        Touch(changes, now);
        return changes;
    }

    public void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }

    private void Touch(List<FieldChange> changes, DateTimeOffset now)
    {
        if (changes.Count > 0)
        {
            Touch(now);
        }
    }

    private static FieldErrors Validate(string? name, string? language, IReadOnlyDictionary<string, string>? attributes, IReadOnlyList<string>? tags)
    {
        var errors = new FieldErrors()
            .MaxLength("name", name, Limits.Name)
            .MaxLength("language", language, Limits.Language)
            .Tags("tags", tags);
        if (attributes is not null)
        {
            if (attributes.Count > Limits.MaxAttributes)
            {
                errors.Add("attributes", $"must contain at most {Limits.MaxAttributes} attributes.");
            }

            // Keys are stored trimmed, so "plan" and " plan " would collide (and ToDictionary would throw).
            var trimmedKeys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, value) in attributes)
            {
                if (string.IsNullOrWhiteSpace(key) || key.Length > Limits.AttributeKey)
                {
                    errors.Add("attributes", $"keys must be 1 to {Limits.AttributeKey} characters.");
                }
                else if (!trimmedKeys.Add(key.Trim()))
                {
                    errors.Add("attributes", $"key '{key.Trim()}' appears more than once (keys are trimmed).");
                }
                else if (value is null || value.Length > Limits.AttributeValue)
                {
                    errors.Add($"attributes.{key}", $"must be a string of at most {Limits.AttributeValue} characters.");
                }
            }
        }

        return errors;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
