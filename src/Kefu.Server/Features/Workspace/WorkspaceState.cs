namespace Kefu.Server.Features.Workspace;

/// <summary>
/// One browser tab's workspace (a scoped service lives as long as the Blazor circuit): which conversation is open,
/// and keyboard shortcuts handed from the layout to the page that handles them.
/// </summary>
public sealed class WorkspaceState
{
    private readonly List<Func<string, Task<bool>>> shortcutHandlers = [];

    /// <summary>The conversation on screen, if any (desktop alerts skip it while the tab is visible).</summary>
    public Guid? OpenConversationId { get; set; }

    /// <summary>Raised when this tab marked notifications read, so the bell counts again.</summary>
    public event Func<Task>? NotificationsRead;

    public Task NotificationsReadAsync() => NotificationsRead?.Invoke() ?? Task.CompletedTask;

    /// <summary>Lets a page handle shortcuts ("j", "k", "Enter", "r", "n", …); the handler says whether it used the key.</summary>
    public IDisposable OnShortcut(Func<string, Task<bool>> handler)
    {
        shortcutHandlers.Add(handler);
        return new Registration(() => shortcutHandlers.Remove(handler));
    }

    public async Task<bool> ShortcutAsync(string key)
    {
        foreach (var handler in shortcutHandlers.ToList())
        {
            if (await handler(key))
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}

/// <summary>
/// Coalesces a burst of realtime events into one refresh, run through the component's dispatcher. Realtime
/// handlers only call <see cref="Request"/>, so a publisher never waits for a screen's database query; refreshes
/// never overlap, and a request made during one causes exactly one more.
/// </summary>
public sealed class LiveRefresh(Func<Func<Task>, Task> invoke, Func<Task> refresh, ILogger log, int delayMs = 200) : IDisposable
{
    private int requested;
    private int running;
    private volatile bool disposed;

    public void Request()
    {
        if (disposed)
        {
            return;
        }

        Volatile.Write(ref requested, 1);
        if (Interlocked.Exchange(ref running, 1) == 0)
        {
            _ = RunAsync();
        }
    }

    public void Dispose() => disposed = true;

    private async Task RunAsync()
    {
        try
        {
            while (!disposed && Interlocked.Exchange(ref requested, 0) == 1)
            {
                await Task.Delay(delayMs);
                // Events that arrived during the delay are covered by this refresh.
                Volatile.Write(ref requested, 0);
                if (!disposed)
                {
                    await invoke(refresh);
                }
            }
        }
        catch (Exception e) when (!disposed)
        {
            log.LogWarning(e, "A live refresh failed; the screen updates at the next event");
        }
        catch (Exception)
        {
            // The circuit is gone: nothing to update.
        }
        finally
        {
            Volatile.Write(ref running, 0);
        }

        // A request that came between the last check and the reset above still gets its refresh.
        if (!disposed && Volatile.Read(ref requested) == 1 && Interlocked.Exchange(ref running, 1) == 0)
        {
            _ = RunAsync();
        }
    }
}
