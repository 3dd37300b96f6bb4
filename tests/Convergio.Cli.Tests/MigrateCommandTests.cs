using Convergio.Testing;
using Microsoft.Extensions.Configuration;

namespace Convergio.Cli.Tests;

public sealed class MigrateCommandTests
{
    [Fact]
    public async Task Migrate_applies_pending_migrations_then_reports_up_to_date()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("convergio-cli-").FullName, "cli.db");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Database:SqlitePath"] = path })
            .Build();
        var first = new StringWriter();
        var second = new StringWriter();

        Assert.Equal(0, await MigrateCommand.RunAsync(configuration, json: false, first, TestContext.Current.CancellationToken));
        Assert.Equal(0, await MigrateCommand.RunAsync(configuration, json: false, second, TestContext.Current.CancellationToken));

        Assert.StartsWith("Applied ", first.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("Database schema is up to date.", second.ToString(), StringComparison.Ordinal);
    }
}

public sealed class UnreachableDatabaseTests
{
    [Fact]
    public async Task A_postgres_server_that_refuses_connections_exits_2_saying_nothing_was_done()
    {
        using var refusing = Loopback.RefusingPort(out var port);
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__Postgres"] = $"Host=127.0.0.1;Port={port};Username=nobody;Password={Guid.NewGuid():N};Timeout=3" };

        var (exitCode, _, error) = await CliRun.ProcessAsync(Path.GetTempPath(), environment, "migrate", "--status");

        Assert.Equal(2, exitCode);
        Assert.Contains("could not be reached", error, StringComparison.Ordinal);
    }
}
