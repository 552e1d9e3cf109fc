using Kefu.Core.Agents;
using Kefu.Core.Common;

namespace Kefu.Core.Tests.Agents;

public sealed class TeamTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 16, 59, 0, TimeSpan.Zero);
    private static readonly Guid TeamId = Guid.Parse("0195a3c0-0000-7000-8000-00000000f001");

    [Fact]
    public void Create_ValidInput_TrimsNameAndDescription()
    {
        var t = Team.Create(TeamId, "  After-sales  ", " Returns and repairs ", Now).Value;

        Assert.Equal(TeamId, t.Id);
        Assert.Equal("After-sales", t.Name);
        Assert.Equal("Returns and repairs", t.Description);
        Assert.Equal(Now, t.CreatedAt);
    }

    [Fact]
    public void Create_NoDescription_IsNull()
    {
        Assert.Null(Team.Create(TeamId, "Sales", null, Now).Value.Description);
    }

    [Theory]
    [InlineData(null, null, "name", "is required.")]
    [InlineData("  ", null, "name", "is required.")]
    [InlineData("201", null, "name", "must be at most 200 characters.")]
    [InlineData("Sales", "1001", "description", "must be at most 1000 characters.")]
    public void Create_InvalidField_ReturnsInvalid(string? name, string? description, string field, string message)
    {
        name = name == "201" ? new string('n', 201) : name;
        description = description == "1001" ? new string('d', 1001) : description;

        var invalid = Assert.IsType<Invalid>(Team.Create(TeamId, name, description, Now).Error);

        Assert.Equal([field], invalid.Fields.Keys);
        Assert.Equal([message], invalid.Fields[field]);
    }

    [Fact]
    public void Update_NameAndDescription_RecordsEach()
    {
        var t = Team.Create(TeamId, "Sales", null, Now).Value;

        var changes = t.Update(" Key accounts ", "Enterprise customers").Value;

        Assert.Equal([new FieldChange("name", "Sales", "Key accounts"), new FieldChange("description", null, "Enterprise customers")], changes);
        Assert.Equal("Key accounts", t.Name);
        Assert.Equal("Enterprise customers", t.Description);
    }

    [Fact]
    public void Update_Nulls_KeepsValues()
    {
        var t = Team.Create(TeamId, "Sales", "Leads", Now).Value;

        Assert.Empty(t.Update(null, null).Value);
        Assert.Equal("Sales", t.Name);
        Assert.Equal("Leads", t.Description);
    }

    [Fact]
    public void Update_BlankName_ReturnsInvalidAndKeepsName()
    {
        var t = Team.Create(TeamId, "Sales", null, Now).Value;

        var invalid = Assert.IsType<Invalid>(t.Update(" ", null).Error);

        Assert.Equal(["is required."], invalid.Fields["name"]);
        Assert.Equal("Sales", t.Name);
    }
}
