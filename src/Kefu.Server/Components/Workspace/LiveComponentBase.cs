using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace Kefu.Server.Components.Workspace;

/// <summary>
/// A component updated by realtime events. An event arrives on the publisher's thread, which carries the
/// publisher's culture (another agent's language, or none for an API call); updates run on this component's
/// dispatcher with the culture this tab was rendered in, so every text stays in the agent's own language.
/// </summary>
public abstract class LiveComponentBase : ComponentBase
{
    private readonly CultureInfo culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo uiCulture = CultureInfo.CurrentUICulture;

    protected Task OnUiAsync(Func<Task> work)
    {
        return InvokeAsync(RunAsync);

        // An async method: the culture set here does not leak back to the caller's thread.
        async Task RunAsync()
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
            await work();
        }
    }

    protected Task OnUiAsync(Action work) => OnUiAsync(() =>
    {
        work();
        return Task.CompletedTask;
    });
}
