using Kefu.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Kefu.Migrations.Postgres;

/// <summary>Lets `dotnet ef migrations add` build the PostgreSQL model without a database connection.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<KefuDbContext>
{
    public KefuDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<KefuDbContext>();
        DatabaseSetup.Configure(options, DatabaseProvider.Postgres, "Host=localhost;Database=kefu_design");
        return new KefuDbContext(options.Options);
    }
}
