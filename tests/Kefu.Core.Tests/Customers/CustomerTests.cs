using Kefu.Core.Common;
using Kefu.Core.Customers;

namespace Kefu.Core.Tests.Customers;

public sealed class CustomerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 16, 59, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Earlier = Now.AddDays(-1);
    private static readonly Guid AliceId = Guid.Parse("0195a3c0-0000-7000-8000-00000000c001");
    private static readonly Guid DuplicateId = Guid.Parse("0195a3c0-0000-7000-8000-00000000c002");
    private static readonly Guid OtherId = Guid.Parse("0195a3c0-0000-7000-8000-00000000c003");

    private static Customer NewCustomer(Guid id, string? name = "Alice", string? language = null, Dictionary<string, string>? attributes = null, string[]? tags = null) =>
        Customer.Create(id, name, language, attributes, tags, Earlier).Value;

    private static void AddIdentity(Customer customer, IdentityKind kind, string? source, string value) =>
        customer.Identities.Add(CustomerIdentity.Create(customer.Id, kind, source, value, Earlier).Value);

    [Fact]
    public void Create_ValidInput_CleansValuesAtVersionOne()
    {
        var c = Customer.Create(AliceId, "  Alice Wang  ", " zh-CN ", new Dictionary<string, string> { [" plan "] = "pro" }, [" VIP ", "vip"], Now).Value;

        Assert.Equal(AliceId, c.Id);
        Assert.Equal("Alice Wang", c.Name);
        Assert.Equal("zh-CN", c.Language);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "pro" }, c.Attributes);
        Assert.Equal(["vip"], c.Tags);
        Assert.Empty(c.Identities);
        Assert.Equal(Now, c.CreatedAt);
        Assert.Equal(Now, c.UpdatedAt);
        Assert.Null(c.MergedIntoId);
        Assert.Equal(1, c.Version);
    }

    [Fact]
    public void Create_BlankNameAndLanguage_BecomeNull()
    {
        var c = Customer.Create(AliceId, "   ", "", null, null, Now).Value;

        Assert.Null(c.Name);
        Assert.Null(c.Language);
        Assert.Empty(c.Attributes);
        Assert.Empty(c.Tags);
    }

    [Fact]
    public void Create_InvalidFields_ReturnsInvalidPerField()
    {
        var attributes = new Dictionary<string, string>
        {
            [" "] = "x",
            [new string('k', 65)] = "x",
            ["note"] = new string('v', 1001),
        };

        var invalid = Assert.IsType<Invalid>(Customer.Create(AliceId, new string('n', 201), new string('l', 17), attributes, [""], Now).Error);

        Assert.Equal(["attributes", "attributes.note", "language", "name", "tags[0]"], invalid.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["keys must be 1 to 64 characters.", "keys must be 1 to 64 characters."], invalid.Fields["attributes"]);
        Assert.Equal(["must be a string of at most 1000 characters."], invalid.Fields["attributes.note"]);
    }

    [Fact]
    public void Create_FiftyOneAttributes_ReturnsInvalid()
    {
        var attributes = Enumerable.Range(1, 51).ToDictionary(i => $"k{i}", i => "v");

        var invalid = Assert.IsType<Invalid>(Customer.Create(AliceId, "Alice", null, attributes, null, Now).Error);

        Assert.Equal(["must contain at most 50 attributes."], invalid.Fields["attributes"]);
    }

    [Fact]
    public void Create_AttributeKeysCollidingAfterTrim_ReturnsInvalidInsteadOfThrowing()
    {
        var attributes = new Dictionary<string, string> { ["plan"] = "free", [" plan "] = "pro" };

        var result = Customer.Create(AliceId, "Alice", null, attributes, null, Now);

        var invalid = Assert.IsType<Invalid>(result.Error);
        Assert.Equal(["attributes"], invalid.Fields.Keys);
        Assert.Equal(["key 'plan' appears more than once (keys are trimmed)."], invalid.Fields["attributes"]);
    }

    [Fact]
    public void Apply_AttributeKeysCollidingAfterTrim_ReturnsInvalidInsteadOfThrowing()
    {
        var c = NewCustomer(AliceId, attributes: new() { ["plan"] = "free" });

        var result = c.Apply(new CustomerPatch(Attributes: new Dictionary<string, string> { ["plan"] = "pro", ["plan "] = "max" }), Now);

        var invalid = Assert.IsType<Invalid>(result.Error);
        Assert.Equal(["key 'plan' appears more than once (keys are trimmed)."], invalid.Fields["attributes"]);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "free" }, c.Attributes);
        Assert.Equal(1, c.Version);
    }

    [Fact]
    public void Apply_Attributes_OneFieldChangePerKeyInKeyOrder()
    {
        var c = NewCustomer(AliceId, attributes: new() { ["plan"] = "free", ["city"] = "Shanghai", ["orders"] = "3" });

        var changes = c.Apply(new CustomerPatch(Attributes: new Dictionary<string, string> { ["plan"] = "pro", ["orders"] = "3", [" vip "] = "yes" }), Now).Value;

        Assert.Equal(
            [
                new FieldChange("attributes.city", "Shanghai", null),
                new FieldChange("attributes.plan", "free", "pro"),
                new FieldChange("attributes.vip", null, "yes"),
            ],
            changes);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "pro", ["orders"] = "3", ["vip"] = "yes" }, c.Attributes);
        Assert.Equal(2, c.Version);
        Assert.Equal(Now, c.UpdatedAt);
    }

    [Fact]
    public void Apply_EmptyAttributes_RemovesAll()
    {
        var c = NewCustomer(AliceId, attributes: new() { ["plan"] = "free" });

        var changes = c.Apply(new CustomerPatch(Attributes: new Dictionary<string, string>()), Now).Value;

        Assert.Equal([new FieldChange("attributes.plan", "free", null)], changes);
        Assert.Empty(c.Attributes);
    }

    [Fact]
    public void Apply_NullAttributesOrTags_ReturnsInvalid()
    {
        var c = NewCustomer(AliceId);
        var patch = new CustomerPatch(
            Attributes: new Optional<IReadOnlyDictionary<string, string>>(true, null!),
            Tags: new Optional<IReadOnlyList<string>>(true, null!));

        var invalid = Assert.IsType<Invalid>(c.Apply(patch, Now).Error);

        Assert.Equal(["must be an object (use {} to remove all attributes)."], invalid.Fields["attributes"]);
        Assert.Equal(["must be a list (use [] to remove all tags)."], invalid.Fields["tags"]);
    }

    [Fact]
    public void Apply_NameAndLanguage_SetAndClear()
    {
        var c = NewCustomer(AliceId, language: "en");

        var changes = c.Apply(new CustomerPatch(Name: " Alice Wang ", Language: new Optional<string?>(true, null)), Now).Value;

        Assert.Equal([new FieldChange("name", "Alice", "Alice Wang"), new FieldChange("language", "en", null)], changes);
        Assert.Equal("Alice Wang", c.Name);
        Assert.Null(c.Language);
    }

    [Fact]
    public void Apply_BlankName_ClearsName()
    {
        var c = NewCustomer(AliceId);

        var changes = c.Apply(new CustomerPatch(Name: "  "), Now).Value;

        Assert.Equal([new FieldChange("name", "Alice", null)], changes);
        Assert.Null(c.Name);
    }

    [Fact]
    public void Apply_Tags_NormalizesAndRecordsChange()
    {
        var c = NewCustomer(AliceId, tags: ["vip"]);

        var changes = c.Apply(new CustomerPatch(Tags: new[] { "VIP", " Wholesale " }), Now).Value;

        Assert.Equal([new FieldChange("tags", "vip", "vip,wholesale")], changes);
        Assert.Equal(["vip", "wholesale"], c.Tags);
    }

    [Fact]
    public void Apply_SameValues_ReturnsNoChangesAndKeepsVersion()
    {
        var c = NewCustomer(AliceId, language: "en", attributes: new() { ["plan"] = "pro" }, tags: ["vip"]);

        var changes = c.Apply(new CustomerPatch(" Alice ", "en", new Dictionary<string, string> { ["plan"] = "pro" }, new[] { "VIP" }), Now).Value;

        Assert.Empty(changes);
        Assert.Equal(1, c.Version);
        Assert.Equal(Earlier, c.UpdatedAt);
    }

    [Fact]
    public void Apply_TooLongName_ReturnsInvalidAndChangesNothing()
    {
        var c = NewCustomer(AliceId);

        var invalid = Assert.IsType<Invalid>(c.Apply(new CustomerPatch(Name: new string('n', 201), Tags: new[] { "vip" }), Now).Error);

        Assert.Equal(["name"], invalid.Fields.Keys);
        Assert.Equal("Alice", c.Name);
        Assert.Empty(c.Tags);
    }

    [Fact]
    public void MergeInto_Itself_ReturnsInvalidTargetId()
    {
        var c = NewCustomer(AliceId);

        var invalid = Assert.IsType<Invalid>(c.MergeInto(c, Now).Error);

        Assert.Equal(["must be a different customer."], invalid.Fields["targetId"]);
    }

    [Fact]
    public void MergeInto_MovesIdentitiesToTarget()
    {
        var duplicate = NewCustomer(DuplicateId, name: null);
        AddIdentity(duplicate, IdentityKind.Email, null, "alice@example.com");
        AddIdentity(duplicate, IdentityKind.External, "wechat", "oAlice");
        var target = NewCustomer(AliceId);
        AddIdentity(target, IdentityKind.Phone, null, "+86 138-0013-8000");

        var changes = duplicate.MergeInto(target, Now).Value;

        Assert.Equal(
            [
                new FieldChange("identity", "email:alice@example.com", null),
                new FieldChange("identity", "wechat:oAlice", null),
                new FieldChange("mergedInto", null, AliceId.ToString()),
            ],
            changes);
        Assert.Empty(duplicate.Identities);
        Assert.Equal(["phone:+8613800138000", "email:alice@example.com", "wechat:oAlice"], target.Identities.Select(i => i.Display));
        Assert.All(target.Identities, i => Assert.Equal(AliceId, i.CustomerId));
        Assert.Equal(AliceId, duplicate.MergedIntoId);
    }

    [Fact]
    public void MergeInto_TargetValuesWinMissingOnesAreTakenOver()
    {
        var duplicate = NewCustomer(DuplicateId, name: "Ali", language: "zh-CN", attributes: new() { ["plan"] = "free", ["city"] = "Shanghai" }, tags: ["refund", "vip"]);
        var target = NewCustomer(AliceId, name: "Alice", language: null, attributes: new() { ["plan"] = "pro" }, tags: ["vip", "wholesale"]);

        duplicate.MergeInto(target, Now);

        Assert.Equal("Alice", target.Name);
        Assert.Equal("zh-CN", target.Language);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "pro", ["city"] = "Shanghai" }, target.Attributes);
        Assert.Equal(["vip", "wholesale", "refund"], target.Tags);
    }

    [Fact]
    public void MergeInto_TargetWithoutName_TakesDuplicateName()
    {
        var duplicate = NewCustomer(DuplicateId, name: "Alice", language: "en");
        var target = NewCustomer(AliceId, name: null, language: "zh-CN");

        duplicate.MergeInto(target, Now);

        Assert.Equal("Alice", target.Name);
        Assert.Equal("zh-CN", target.Language);
    }

    [Fact]
    public void MergeInto_Success_BumpsBothVersions()
    {
        var duplicate = NewCustomer(DuplicateId);
        var target = NewCustomer(AliceId);

        duplicate.MergeInto(target, Now);

        Assert.Equal(2, duplicate.Version);
        Assert.Equal(Now, duplicate.UpdatedAt);
        Assert.Equal(2, target.Version);
        Assert.Equal(Now, target.UpdatedAt);
    }

    [Fact]
    public void MergeInto_MergedSource_ReturnsConflict()
    {
        var duplicate = NewCustomer(DuplicateId);
        duplicate.MergeInto(NewCustomer(AliceId), Earlier);
        var other = NewCustomer(OtherId);

        var conflict = Assert.IsType<Conflict>(duplicate.MergeInto(other, Now).Error);

        Assert.Equal("A customer that was already merged cannot take part in another merge.", conflict.Message);
        Assert.Equal(AliceId, duplicate.MergedIntoId);
        Assert.Equal(1, other.Version);
    }

    [Fact]
    public void MergeInto_MergedTarget_ReturnsConflict()
    {
        var target = NewCustomer(DuplicateId);
        target.MergeInto(NewCustomer(AliceId), Earlier);
        var source = NewCustomer(OtherId);
        AddIdentity(source, IdentityKind.Email, null, "o@example.com");

        Assert.IsType<Conflict>(source.MergeInto(target, Now).Error);
        Assert.Single(source.Identities);
        Assert.Null(source.MergedIntoId);
    }

    [Fact]
    public void Apply_MergedCustomer_ReturnsConflict()
    {
        var duplicate = NewCustomer(DuplicateId);
        duplicate.MergeInto(NewCustomer(AliceId), Earlier);

        var conflict = Assert.IsType<Conflict>(duplicate.Apply(new CustomerPatch(Name: "Bob"), Now).Error);

        Assert.Equal($"Customer {DuplicateId} was merged into {AliceId} and can no longer be changed.", conflict.Message);
        Assert.Equal("Alice", duplicate.Name);
    }

    [Fact]
    public void DisplayName_NoName_FallsBackToFirstIdentityByKindThenUnknown()
    {
        var c = NewCustomer(AliceId, name: null);
        Assert.Equal("(unknown)", c.DisplayName);

        AddIdentity(c, IdentityKind.External, "wechat", "oAlice");
        AddIdentity(c, IdentityKind.Phone, null, "13800138000");
        Assert.Equal("13800138000", c.DisplayName);

        AddIdentity(c, IdentityKind.Email, null, "alice@example.com");
        Assert.Equal("alice@example.com", c.DisplayName);

        Assert.Equal("Alice", NewCustomer(OtherId, name: "Alice").DisplayName);
    }
}
