using Npgsql;

namespace Convergio.Testing;

/// <summary>Which database a test runs on; tests that care take both, <c>[InlineData(Db.Sqlite)][InlineData(Db.Postgres)]</c>.</summary>
public enum Db
{
    Sqlite,
    Postgres,
}

/// <summary>The real services integration tests run against, found through the environment (.ci/run sets them).</summary>
public static class TestServices
{
    public static string? PostgresConnectionString =>
        Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") is { Length: > 0 } value ? value : null;

    public static string? RedisConnectionString =>
        Environment.GetEnvironmentVariable("ConnectionStrings__Redis") is { Length: > 0 } value ? value : null;

    public static string RequirePostgres()
    {
        Assert.SkipWhen(PostgresConnectionString is null, "PostgreSQL not configured: set ConnectionStrings__Postgres (.ci/run does).");
        return PostgresConnectionString!;
    }

    public static string RequireRedis()
    {
        Assert.SkipWhen(RedisConnectionString is null, "Redis not configured: set ConnectionStrings__Redis (.ci/run does).");
        return RedisConnectionString!;
    }

    /// <summary>A connection string for a new database name on the test server (created by whoever migrates it); skips without one.</summary>
    public static string NewPostgresDatabase(string prefix, out string database)
    {
        database = prefix + Guid.NewGuid().ToString("N");
        return new NpgsqlConnectionStringBuilder(RequirePostgres()) { Database = database }.ToString();
    }

    /// <summary>Drops a database <see cref="NewPostgresDatabase"/> named, closing what still uses it.</summary>
    public static async Task DropPostgresDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
