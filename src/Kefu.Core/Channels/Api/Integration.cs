using Kefu.Core.Common;
using Kefu.Core.Webhooks;

namespace Kefu.Core.Channels.Api;

/// <param name="IdentitySource">The namespace of the integration's contact ids in customer identities, e.g. "wechat".</param>
public sealed record IntegrationSettings(string? Name, string? IdentitySource, string? CallbackUrl, Guid? TeamId, bool IsActive = true);

/// <summary>
/// An API channel: an external messaging system (WeChat, WhatsApp or SMS gateway, in-app chat) that posts its
/// customers' messages to Kefu, signed with this integration's secret, and receives the agents' replies at its
/// callback URL, signed the same way (Standard Webhooks).
/// </summary>
public sealed class Integration
{
    private Integration()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public string IdentitySource { get; private set; } = "";

    /// <summary>Where agents' replies are delivered; without one, replies stay in Kefu (the integration polls the API).</summary>
    public string? CallbackUrl { get; private set; }

    public Guid? TeamId { get; private set; }

    public SigningSecret Secret { get; private set; } = null!;

    public bool IsActive { get; private set; } = true;

    public DateTimeOffset CreatedAt { get; private set; }

    public static Result<Integration> Create(Guid id, IntegrationSettings settings, string secret, DateTimeOffset now)
    {
        var integration = new Integration { Id = id, Secret = SigningSecret.Create(secret), CreatedAt = now };
        var applied = integration.Apply(settings);
        return applied.IsOk ? integration : applied.Error!;
    }

    /// <summary>A default identity source from a name: lower-case letters, digits and dashes ("WeChat 公众号" → "wechat").</summary>
    public static string SourceFrom(string? name)
    {
        var chars = (name ?? "").Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var slug = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return slug.Length == 0 ? "api" : slug.Length > 40 ? slug[..40] : slug;
    }

    public Result<IReadOnlyList<FieldChange>> Apply(IntegrationSettings s)
    {
        var errors = new FieldErrors()
            .Required("name", s.Name, Limits.Name)
            .Required("identitySource", s.IdentitySource, Limits.IdentitySource)
            .CheckUrl("callbackUrl", s.CallbackUrl, required: false);
        if (!string.IsNullOrWhiteSpace(s.IdentitySource) && !s.IdentitySource.Trim().All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add("identitySource", "may contain only lower-case letters, digits, '-', '_' and '.' (e.g. wechat, whatsapp, sms).");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        void Set<T>(string field, T before, T after, Action<T> apply)
        {
            if (!EqualityComparer<T>.Default.Equals(before, after))
            {
                changes.Add(new(field, before?.ToString(), after?.ToString()));
                apply(after);
            }
        }

        Set("name", Name, s.Name!.Trim(), v => Name = v);
        Set("identitySource", IdentitySource, s.IdentitySource!.Trim(), v => IdentitySource = v);
        Set("callbackUrl", CallbackUrl, string.IsNullOrWhiteSpace(s.CallbackUrl) ? null : s.CallbackUrl.Trim(), v => CallbackUrl = v);
        Set("teamId", TeamId, s.TeamId, v => TeamId = v);
        Set("isActive", IsActive, s.IsActive, v => IsActive = v);
        return changes;
    }
}

/// <summary>
/// A contact of an integration (its own id for a person) and the conversation their messages currently go to:
/// new messages join it while it is not closed; a closed one makes the next message start a new conversation.
/// </summary>
public sealed class ApiContact
{
    public const int MaxContactId = 200;
    public const int MaxMessageId = 60;

    private ApiContact()
    {
    }

    public Guid Id { get; private set; }

    public Guid IntegrationId { get; private set; }

    public string ContactId { get; private set; } = "";

    public Guid CustomerId { get; private set; }

    public Guid? ConversationId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static ApiContact Create(Guid integrationId, string contactId, Guid customerId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        IntegrationId = integrationId,
        ContactId = contactId,
        CustomerId = customerId,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public void Attach(Guid conversationId, DateTimeOffset now)
    {
        ConversationId = conversationId;
        UpdatedAt = now;
    }

    public void LinkCustomer(Guid customerId) => CustomerId = customerId;

    /// <summary>Client message ids are unique across all messages: an integration's ids are namespaced by the integration.</summary>
    public static string StoredMessageId(Guid integrationId, string messageId) => $"api:{integrationId:N}:{messageId}";
}
