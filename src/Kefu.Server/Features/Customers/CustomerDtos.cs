using Kefu.Core.Common;
using Kefu.Core.Customers;

namespace Kefu.Server.Features.Customers;

public sealed record IdentityDto(Guid Id, IdentityKind Kind, string Source, string Value, DateTimeOffset CreatedAt)
{
    public static IdentityDto From(CustomerIdentity i) => new(i.Id, i.Kind, i.Source, i.Value, i.CreatedAt);
}

public sealed record CustomerDto(
    Guid Id, string? Name, string DisplayName, string? Language, IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<string> Tags,
    IReadOnlyList<IdentityDto> Identities, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, Guid? MergedIntoId, int Version)
{
    public static CustomerDto From(Customer c) => new(
        c.Id, c.Name, c.DisplayName, c.Language, c.Attributes, c.Tags,
        c.Identities.OrderBy(i => i.Kind).ThenBy(i => i.CreatedAt).Select(IdentityDto.From).ToList(),
        c.CreatedAt, c.UpdatedAt, c.MergedIntoId, c.Version);
}

public sealed record NewIdentity(IdentityKind? Kind, string? Source, string? Value);

public sealed record CreateCustomerRequest(
    string? Name, string? Language, IReadOnlyDictionary<string, string>? Attributes, IReadOnlyList<string>? Tags, IReadOnlyList<NewIdentity>? Identities);

/// <summary>PATCH body: omitted fields stay unchanged; attributes and tags replace the whole set.</summary>
public sealed record UpdateCustomerRequest
{
    public Optional<string?> Name { get; init; }

    public Optional<string?> Language { get; init; }

    public Optional<IReadOnlyDictionary<string, string>> Attributes { get; init; }

    public Optional<IReadOnlyList<string>> Tags { get; init; }

    public CustomerPatch ToPatch() => new(Name, Language, Attributes, Tags);
}
