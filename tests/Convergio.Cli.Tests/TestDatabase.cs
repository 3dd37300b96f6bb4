using Microsoft.Extensions.Configuration;

namespace Convergio.Cli.Tests;

/// <summary>
/// A fresh, empty database for one CLI test: a SQLite file in a temporary folder, or a new
/// database on the PostgreSQL server of <c>ConnectionStrings__Postgres</c> (skipped when unset).
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _postgresDatabase;

    public TestDatabase(Db db)
    {
        var settings = new Dictionary<string, string?>();
        if (db == Db.Postgres)
        {
            settings["ConnectionStrings:Postgres"] = TestServices.NewPostgresDatabase("convergio_cli_test_", out var database);
            _postgresDatabase = database;
        }
        else
        {
            settings["ConnectionStrings:Postgres"] = null;
            settings["Database:SqlitePath"] = Path.Combine(Directory.CreateTempSubdirectory("convergio-cli-").FullName, "cli.db");
        }
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    /// <summary>What the command would read from the environment.</summary>
    public IConfiguration Configuration { get; }

    public async ValueTask DisposeAsync()
    {
        if (_postgresDatabase is not null)
        {
            await TestServices.DropPostgresDatabaseAsync(_postgresDatabase);
        }
    }
}
