using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Convergio.Api.Data;

/// <summary>
/// Before the server listens: applies migrations in Development (and tests); in Production
/// refuses to start on a schema that is behind, because migrating is an explicit
/// operator step (<c>convergio migrate</c>).
/// </summary>
internal sealed class DatabaseStartup(IServiceScopeFactory scopes, IConfiguration configuration, IHostEnvironment environment, ILogger<DatabaseStartup> logger)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Database: {Database}", DataRoot.DescribeDatabase(configuration));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        if (!environment.IsProduction())
        {
            await db.Database.MigrateAsync(cancellationToken);
            return;
        }

        var pending = await PendingMigrationsAsync(db.Database, cancellationToken);
        if (pending.Count > 0)
        {
            throw new SchemaBehindException(pending);
        }
    }

    // On a database without tables EF Core (Npgsql) reads the missing history table and logs the failed
    // query before answering "all pending": that error would precede the one refusal line.
    private static async Task<IReadOnlyList<string>> PendingMigrationsAsync(DatabaseFacade database, CancellationToken cancellationToken) =>
        await database.GetService<IRelationalDatabaseCreator>().HasTablesAsync(cancellationToken)
            ? [.. await database.GetPendingMigrationsAsync(cancellationToken)]
            : [.. database.GetMigrations()];

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class SchemaBehindException(IReadOnlyList<string> pending) : Exception(
    $"The database schema is behind: {pending.Count} pending migration(s) ({string.Join(", ", pending)}). Run `convergio migrate` before starting the server.")
{
    public IReadOnlyList<string> Pending { get; } = pending;
}
