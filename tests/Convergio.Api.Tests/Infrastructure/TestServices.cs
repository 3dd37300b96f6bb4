namespace Convergio.Api.Tests.Infrastructure;

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
}

public enum Db
{
    Sqlite,
    Postgres,
}
