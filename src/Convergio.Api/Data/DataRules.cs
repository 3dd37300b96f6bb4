using Npgsql;

namespace Convergio.Api.Data;

/// <summary>
/// Production stores data in PostgreSQL over TLS whose certificate is checked: <c>Require</c>
/// encrypts but accepts any certificate, so a machine in the path could present its own.
/// </summary>
internal sealed class PostgresTlsRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringNames.Postgres);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            yield return new(GuardSeverity.Error, "postgres", "ConnectionStrings:Postgres is not set; Production does not run on SQLite.");
            yield break;
        }

        var builder = TryParse(connectionString);
        if (builder is null)
        {
            yield return new(GuardSeverity.Error, "postgres", "ConnectionStrings:Postgres cannot be parsed.");
            yield break;
        }
        if (builder.SslMode is not (SslMode.VerifyFull or SslMode.VerifyCA))
        {
            yield return new(GuardSeverity.Error, "postgres",
                $"ConnectionStrings:Postgres uses SSL Mode={builder.SslMode}; set SSL Mode=VerifyFull (or VerifyCA), with Root Certificate=<CA file> when the provider's CA is not in the system store.");
        }
    }

    private static NpgsqlConnectionStringBuilder? TryParse(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>
/// Production keeps its rate-limit counters in Redis, reached over TLS: with in-process counters
/// only, N replicas would allow N times every budget.
/// </summary>
internal sealed class RedisTlsRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringNames.Redis);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            yield return new(GuardSeverity.Error, "redis",
                "ConnectionStrings:Redis is not set; Production rate limits are counted in Redis so that every replica shares one budget.");
            yield break;
        }

        bool ssl;
        try
        {
            ssl = StackExchange.Redis.ConfigurationOptions.Parse(connectionString).Ssl;
        }
        catch (ArgumentException)
        {
            ssl = false;
        }
        if (!ssl)
        {
            yield return new(GuardSeverity.Error, "redis", "ConnectionStrings:Redis does not set ssl=true; Redis must be reached over TLS.");
        }
    }
}
