using Kefu.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Kefu.Migrations.Sqlite;

/// <summary>Lets `dotnet ef migrations add` build the SQLite model without starting the server.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<KefuDbContext>
{
    public KefuDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<KefuDbContext>();
        DatabaseSetup.Configure(options, DatabaseProvider.Sqlite, "Data Source=design-time.db");
        return new KefuDbContext(options.Options);
    }
}
