namespace Kefu.Server.Tests.Infrastructure;

/// <summary>Polls for what background jobs do (they run on the server's own worker), with a deadline.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, string what, int seconds = 15)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} did not happen within {seconds} s.");
            await Task.Delay(50);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> probe, string what, int seconds = 15)
    {
        await GetAsync<object>(async () => await probe() ? new object() : null, what, seconds);
    }
}
