using Kefu.Core.Llm;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Data;

internal static class LlmMapping
{
    internal static void Map(ModelBuilder b) =>
        b.Entity<LlmSettings>(e =>
        {
            e.ToTable("LlmSettings");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.BaseUrl).HasMaxLength(Kefu.Core.Common.Limits.Url);
            e.Property(x => x.Model).HasMaxLength(LlmSettings.MaxModel);
            e.Property(x => x.ApiKeyProtected).HasMaxLength(4000);
            e.Ignore(x => x.HasApiKey);
        });
}
