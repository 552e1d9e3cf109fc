using Kefu.Core.Common;

namespace Kefu.Core.Tests.Common;

public sealed class ResultTests
{
    [Fact]
    public void ImplicitValue_IsOk_ReturnsValue()
    {
        Result<int> result = 42;

        Assert.True(result.IsOk);
        Assert.Null(result.Error);
        Assert.Equal(42, result.Value);
    }

    [Fact]
    public void ImplicitError_IsNotOk_KeepsError()
    {
        var conflict = new Conflict("Conversation #10001 is closed.");

        Result<string> result = conflict;

        Assert.False(result.IsOk);
        Assert.Same(conflict, result.Error);
    }

    [Fact]
    public void Value_OnError_ThrowsInvalidOperationExceptionNamingTheError()
    {
        Result<string> result = new NotFound("conversation", "10001");

        var ex = Assert.Throws<InvalidOperationException>(() => result.Value);
        Assert.Equal("Result holds an error: conversation '10001' was not found.", ex.Message);
    }

    [Fact]
    public void ErrorRecords_Messages_AreHumanReadable()
    {
        Assert.Equal("customer 'abc' was not found.", new NotFound("customer", "abc").Message);
        Assert.Equal("not yours", new Forbidden("not yours").Message);
        Assert.Equal("busy", new Conflict("busy").Message);
    }

    [Fact]
    public void Optional_Default_IsAbsent()
    {
        Assert.False(Optional<Guid?>.Absent.HasValue);
        Assert.False(default(Optional<string>).HasValue);
    }

    [Fact]
    public void Optional_ImplicitFromValue_IsPresent()
    {
        Optional<string?> present = "x";
        var cleared = new Optional<Guid?>(true, null);

        Assert.True(present.HasValue);
        Assert.Equal("x", present.Value);
        Assert.True(cleared.HasValue);
        Assert.Null(cleared.Value);
    }

    [Fact]
    public void TagsNormalize_MixedInput_TrimsLowerCasesDropsEmptyAndDuplicatesInFirstSeenOrder()
    {
        Assert.Equal(["vip", "refund", "退款"], Tags.Normalize([" VIP ", "Refund", "vip", "", "  ", "退款", "REFUND"]));
    }

    [Fact]
    public void TagsFormat_List_JoinsWithCommas()
    {
        Assert.Equal("vip,refund", Tags.Format(["vip", "refund"]));
        Assert.Equal("", Tags.Format([]));
    }
}
