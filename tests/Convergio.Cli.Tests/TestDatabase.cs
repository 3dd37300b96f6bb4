using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Convergio.Cli.Tests;

public enum Db
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A fresh, empty database for one CLI test: a SQLite file in a temporary folder, or a new
/// database on the PostgreSQL server of <c>ConnectionStrings__Postgres</c> (skipped when unset).
/// </summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private static readonly string? PostgresServer =
        Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") is { Length: > 0 } value ? value : null;

    private readonly string? _postgresDatabase;

    public TestDatabase(Db db)
    {
        var settings = new Dictionary<string, string?>();
        if (db == Db.Postgres)
        {
            Assert.SkipWhen(PostgresServer is null, "PostgreSQL not configured: set ConnectionStrings__Postgres (.ci/run does).");
            _postgresDatabase = "convergio_cli_test_" + Guid.NewGuid().ToString("N");
            settings["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = _postgresDatabase }.ToString();
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
        if (_postgresDatabase is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(PostgresServer);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresDatabase}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
