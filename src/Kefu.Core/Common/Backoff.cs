namespace Kefu.Core.Common;

/// <summary>When a failed piece of background work (a webhook, an e-mail) is tried again.</summary>
public static class Backoff
{
    /// <summary>
    /// After <paramref name="attempts"/> failed attempts, the time of the next one: the n-th delay after the n-th
    /// failure. Null when every delay is used up, i.e. the work has failed for good after <c>delays.Count + 1</c> attempts.
    /// </summary>
    public static DateTimeOffset? NextAttempt(IReadOnlyList<TimeSpan> delays, int attempts, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        return attempts <= delays.Count ? now + delays[attempts - 1] : null;
    }
}
