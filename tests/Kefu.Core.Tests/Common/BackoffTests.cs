using Kefu.Core.Common;

namespace Kefu.Core.Tests.Common;

public sealed class BackoffTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 16, 59, 0, TimeSpan.Zero);
    private static readonly TimeSpan[] Delays = [TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), TimeSpan.FromHours(2)];

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 60)]
    [InlineData(3, 7_200)]
    public void NextAttempt_AfterNthFailure_WaitsTheNthDelay(int attempts, int seconds) =>
        Assert.Equal(Now.AddSeconds(seconds), Backoff.NextAttempt(Delays, attempts, Now));

    [Fact]
    public void NextAttempt_AfterLastDelay_GivesUp() => Assert.Null(Backoff.NextAttempt(Delays, 4, Now));

    [Fact]
    public void NextAttempt_NoDelays_GivesUpAfterFirstAttempt() => Assert.Null(Backoff.NextAttempt([], 1, Now));

    [Fact]
    public void NextAttempt_BeforeAnyAttempt_IsABug() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.NextAttempt(Delays, 0, Now));
}
