using Kefu.Core.Common;

namespace Kefu.Core.Webhooks;

public sealed record WebhookSubscriptionSettings(string? Name, string? Url, IReadOnlyList<string>? EventTypes, bool IsActive = true);

/// <summary>An outgoing event webhook: changes of the chosen types are POSTed, signed, to the URL.</summary>
public sealed class WebhookSubscription
{
    private WebhookSubscription()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public string Url { get; private set; } = "";

    public List<string> EventTypes { get; private set; } = [];

    public SigningSecret Secret { get; private set; } = null!;

    public bool IsActive { get; private set; } = true;

    public DateTimeOffset CreatedAt { get; private set; }

    public bool Wants(string eventType) => IsActive && EventTypes.Contains(eventType);

    public static Result<WebhookSubscription> Create(Guid id, WebhookSubscriptionSettings settings, string secret, DateTimeOffset now)
    {
        var subscription = new WebhookSubscription { Id = id, Secret = SigningSecret.Create(secret), CreatedAt = now };
        var applied = subscription.Apply(settings);
        return applied.IsOk ? subscription : applied.Error!;
    }

    public Result<IReadOnlyList<FieldChange>> Apply(WebhookSubscriptionSettings s)
    {
        var errors = new FieldErrors().Required("name", s.Name, Limits.Name).CheckUrl("url", s.Url, required: true);
        if (s.EventTypes is not { Count: > 0 })
        {
            errors.Add("eventTypes", $"must list at least one of: {string.Join(", ", WebhookEvents.All)}.");
        }
        else
        {
            foreach (var type in s.EventTypes.Where(t => !WebhookEvents.All.Contains(t?.Trim())))
            {
                errors.Add("eventTypes", $"'{type}' is not an event type; use {string.Join(", ", WebhookEvents.All)}.");
            }
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        var types = s.EventTypes!.Select(t => t.Trim()).Distinct().Order(StringComparer.Ordinal).ToList();
        if (s.Name!.Trim() != Name)
        {
            changes.Add(new("name", Name, s.Name.Trim()));
            Name = s.Name.Trim();
        }

        if (s.Url!.Trim() != Url)
        {
            changes.Add(new("url", Url, s.Url.Trim()));
            Url = s.Url.Trim();
        }

        if (!types.SequenceEqual(EventTypes))
        {
            changes.Add(new("eventTypes", string.Join(",", EventTypes), string.Join(",", types)));
            EventTypes = types;
        }

        if (s.IsActive != IsActive)
        {
            changes.Add(new("isActive", IsActive.ToString(), s.IsActive.ToString()));
            IsActive = s.IsActive;
        }

        return changes;
    }
}
