using Convergio.Api.Secrets;
using Npgsql;

namespace Convergio.Api.Data;

/// <summary>Production stores data in PostgreSQL over verified TLS.</summary>
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
        if (builder.SslMode is not (SslMode.Require or SslMode.VerifyFull))
        {
            yield return new(GuardSeverity.Error, "postgres", $"ConnectionStrings:Postgres uses SSL Mode={builder.SslMode}; set SSL Mode=VerifyFull (or Require).");
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

/// <summary>Redis, when used, is reached over TLS.</summary>
internal sealed class RedisTlsRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringNames.Redis);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
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
