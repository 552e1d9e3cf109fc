using Kefu.Core.Sla;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Sla;

public static class SlaSetup
{
    public static void AddKefuSla(this IServiceCollection services)
    {
        services.AddOptions<SlaOptions>().BindConfiguration(SlaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<SlaWorker>();
    }

    /// <summary>The PRODUCT.md §3 default policies (24/7 until an admin assigns a calendar), once, on an empty table.</summary>
    public static async Task SeedDefaultPoliciesAsync(KefuDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.SlaPolicies.AnyAsync(ct))
        {
            return;
        }

        var categories = await db.Categories.AsNoTracking().ToDictionaryAsync(c => c.Key, c => c.Id, ct);
        foreach (var draft in SlaDefaults.Drafts(key => categories.TryGetValue(key, out var id) ? id : null))
        {
            db.SlaPolicies.Add(SlaPolicy.Create(Guid.CreateVersion7(now), draft, now).Value);
        }

        await db.SaveChangesAsync(ct);
    }
}
