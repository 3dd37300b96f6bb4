using Npgsql;

namespace Convergio.Api.Data;

/// <summary>
/// Where relative data paths resolve (the SQLite file, development keys, mail files). Run from a
/// checkout, the server and the CLI, wherever they are started, use the checkout's <c>data/</c>
/// (the folder holding <see cref="SolutionFile"/>, found above the running assembly); anywhere
/// else (an installed tool, a container) the working directory's.
/// </summary>
public static class DataRoot
{
    public const string SolutionFile = "Convergio.slnx";

    public static string Resolve() => CheckoutAbove(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory();

    internal static string? CheckoutAbove(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }
        return null;
    }

    /// <summary>The database the configuration points at, for the start-up log (never a password).</summary>
    public static string DescribeDatabase(IConfiguration configuration)
    {
        var postgres = configuration.GetConnectionString(ConnectionStringNames.Postgres);
        if (string.IsNullOrWhiteSpace(postgres))
        {
            return $"SQLite at {DataExtensions.SqliteFilePath(configuration, Resolve())}";
        }
        var builder = new NpgsqlConnectionStringBuilder(postgres);
        return $"PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port}";
    }
}
