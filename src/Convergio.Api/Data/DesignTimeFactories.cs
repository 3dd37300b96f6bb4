using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Convergio.Api.Data;

// Used only by `dotnet ef migrations add`; no connection is opened.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteConvergioDb>
{
    public SqliteConvergioDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteConvergioDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresConvergioDb>
{
    public PostgresConvergioDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresConvergioDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
