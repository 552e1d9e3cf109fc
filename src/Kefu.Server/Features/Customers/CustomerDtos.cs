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
