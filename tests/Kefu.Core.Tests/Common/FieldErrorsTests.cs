using Kefu.Core.Common;

namespace Kefu.Core.Tests.Common;

public sealed class FieldErrorsTests
{
    [Fact]
    public void ToError_NothingAdded_ReturnsNull()
    {
        var errors = new FieldErrors();

        Assert.True(errors.IsEmpty);
        Assert.Null(errors.ToError());
    }

    [Fact]
    public void Add_SameFieldTwice_KeepsBothMessagesInOrder()
    {
        var errors = new FieldErrors().Add("email", "is required.").Add("email", "must be an e-mail address.").Add("name", "is required.");

        var invalid = errors.ToError();

        Assert.False(errors.IsEmpty);
        Assert.NotNull(invalid);
        Assert.Equal(["is required.", "must be an e-mail address."], invalid.Fields["email"]);
        Assert.Equal(["is required."], invalid.Fields["name"]);
        Assert.Equal(2, invalid.Fields.Count);
        Assert.Equal("One or more fields are invalid.", invalid.Message);
    }

    [Fact]
    public void Add_FieldNamesDifferingInCase_AreSeparateFields()
    {
        var invalid = new FieldErrors().Add("name", "a").Add("Name", "b").ToError()!;

        Assert.Equal(["a"], invalid.Fields["name"]);
        Assert.Equal(["b"], invalid.Fields["Name"]);
    }

    [Theory]
    [InlineData(null, "is required.")]
    [InlineData("", "is required.")]
    [InlineData("   ", "is required.")]
    [InlineData("abcdef", "must be at most 5 characters.")]
    public void Required_MissingOrTooLong_AddsMessage(string? value, string message)
    {
        var invalid = new FieldErrors().Required("name", value, 5).ToError();

        Assert.NotNull(invalid);
        Assert.Equal([message], invalid.Fields["name"]);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("abcde")]
    [InlineData(" abc ")]
    public void Required_PresentAndShortEnough_AddsNothing(string value)
    {
        Assert.True(new FieldErrors().Required("name", value, 5).IsEmpty);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("abcde", true)]
    [InlineData("abcdef", false)]
    public void MaxLength_Table_FlagsOnlyTooLongValues(string? value, bool valid)
    {
        var errors = new FieldErrors().MaxLength("subject", value, 5);

        Assert.Equal(valid, errors.IsEmpty);
        if (!valid)
        {
            Assert.Equal(["must be at most 5 characters."], errors.ToError()!.Fields["subject"]);
        }
    }

    [Fact]
    public void Tags_Null_AddsNothing()
    {
        Assert.True(new FieldErrors().Tags("tags", null).IsEmpty);
    }

    [Fact]
    public void Tags_ThirtyTagsOfFiftyCharacters_AddsNothing()
    {
        var tags = Enumerable.Range(0, 30).Select(i => $"{i:D2}".PadRight(50, 'x')).ToList();

        Assert.True(new FieldErrors().Tags("tags", tags).IsEmpty);
    }

    [Fact]
    public void Tags_ThirtyOneTags_FlagsTheList()
    {
        var tags = Enumerable.Range(0, 31).Select(i => $"t{i}").ToList();

        var invalid = new FieldErrors().Tags("tags", tags).ToError()!;

        Assert.Equal(["must contain at most 30 tags."], invalid.Fields["tags"]);
    }

    [Fact]
    public void Tags_EmptyAndTooLongTags_FlagsEachByIndex()
    {
        string[] tags = ["vip", "", "   ", new string('x', 51), "  " + new string('y', 50) + "  "];

        var invalid = new FieldErrors().Tags("tags", tags).ToError()!;

        Assert.Equal(["tags[1]", "tags[2]", "tags[3]"], invalid.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["must not be empty."], invalid.Fields["tags[1]"]);
        Assert.Equal(["must not be empty."], invalid.Fields["tags[2]"]);
        Assert.Equal(["must be at most 50 characters."], invalid.Fields["tags[3]"]);
    }

    [Fact]
    public void InvalidField_OneField_HoldsOneMessage()
    {
        var invalid = Invalid.Field("targetId", "must be a different conversation.");

        Assert.Equal(["targetId"], invalid.Fields.Keys);
        Assert.Equal(["must be a different conversation."], invalid.Fields["targetId"]);
    }
}
