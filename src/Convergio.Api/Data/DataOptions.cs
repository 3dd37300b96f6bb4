namespace Convergio.Api.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>SQLite file used when no PostgreSQL connection string is configured.</summary>
    public string SqlitePath { get; set; } = "data/convergio.db";
}

public static class ConnectionStringNames
{
    public const string Postgres = "Postgres";
    public const string Redis = "Redis";
}
