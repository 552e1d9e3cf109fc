using Kefu.Core.Common;

namespace Kefu.Core.Customers;

public enum IdentityKind
{
    Email,
    Phone,
    VisitorId,
    External,
}

/// <summary>
/// One way to recognise a customer. (Kind, Source, Value) is unique across customers: the same e-mail address
/// cannot belong to two people. Source names the channel or integration for external ids ("wechat", "shop").
/// </summary>
public sealed class CustomerIdentity
{
    private CustomerIdentity()
    {
    }

    public Guid Id { get; private set; }

    public Guid CustomerId { get; private set; }

    public IdentityKind Kind { get; private set; }

    public string Source { get; private set; } = "";

    public string Value { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public string Display => Kind switch
    {
        IdentityKind.Email => $"email:{Value}",
        IdentityKind.Phone => $"phone:{Value}",
        IdentityKind.VisitorId => $"visitor:{Value}",
        IdentityKind.External => $"{Source}:{Value}",
    };

    public static Result<CustomerIdentity> Create(Guid customerId, IdentityKind kind, string? source, string? value, DateTimeOffset now, string field = "")
    {
        var key = Normalize(kind, source, value, field);
        if (!key.IsOk)
        {
            return key.Error!;
        }

        return new CustomerIdentity
        {
            Id = Guid.CreateVersion7(now),
            CustomerId = customerId,
            Kind = kind,
            Source = key.Value.Source,
            Value = key.Value.Value,
            CreatedAt = now,
        };
    }

    /// <summary>The canonical form used for lookup and uniqueness: e-mail lower-cased, phone digits with an optional +.</summary>
    public static Result<(string Source, string Value)> Normalize(IdentityKind kind, string? source, string? value, string field = "")
    {
        var errors = new FieldErrors().Required(field + "value", value, Limits.IdentityValue).MaxLength(field + "source", source, Limits.IdentitySource);
        if (!errors.IsEmpty)
        {
            return errors.ToError()!;
        }

        var v = value!.Trim();
        var s = source?.Trim().ToLowerInvariant() ?? "";
        switch (kind)
        {
            case IdentityKind.Email:
                v = v.ToLowerInvariant();
                var at = v.IndexOf('@');
                if (at <= 0 || at != v.LastIndexOf('@') || at == v.Length - 1 || v.Any(char.IsWhiteSpace))
                {
                    return Invalid.Field(field + "value", "must be an e-mail address such as name@example.com.");
                }

                return ("", v);
            case IdentityKind.Phone:
                var digits = new string(v.Where(char.IsAsciiDigit).ToArray());
                if (digits.Length is < 5 or > 20 || v.Any(c => !char.IsAsciiDigit(c) && c is not ('+' or ' ' or '-' or '(' or ')' or '.')))
                {
                    return Invalid.Field(field + "value", "must be a phone number of 5 to 20 digits, optionally starting with +.");
                }

                return ("", v.TrimStart().StartsWith('+') ? "+" + digits : digits);
            case IdentityKind.VisitorId:
                return ("", v);
            case IdentityKind.External:
                if (s.Length == 0)
                {
                    return Invalid.Field(field + "source", "is required for an external id (the channel or system it belongs to, e.g. wechat).");
                }

                return (s, v);
            default:
                return Invalid.Field(field + "kind", "is not a known identity kind.");
        }
    }

    public void MoveTo(Guid customerId) => CustomerId = customerId;
}
