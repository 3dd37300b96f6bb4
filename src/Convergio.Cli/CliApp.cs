using System.CommandLine;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Convergio.Cli;

/// <summary>
/// Every <c>convergio</c> command. One exit-code rule for all of them: 0 ok, 1 a check failed
/// (or the schema needs <c>convergio migrate</c>), 2 a usage error or nothing could be checked.
/// </summary>
internal static class CliApp
{
    public const int UsageError = 2;

    public static RootCommand Root() => new("Operate a Convergio deployment: database, keys, configuration and baseline checks.")
    {
        MigrateCommand.Create(),
        ConfigCommand.Create(),
        KeysCommand.Create(),
        AuditCommand.Create(),
        AdminCommand.Create(),
        UsersCommand.Create(),
        Baseline.BaselineCommand.Create(),
    };

    public static async Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        configuration ??= new InvocationConfiguration();
        // Failures are sorted here: an unreachable database checked nothing (2); anything else failed (1).
        configuration.EnableDefaultExceptionHandler = false;
        var parse = Root().Parse(args);
        try
        {
            var exitCode = await parse.InvokeAsync(configuration, cancellationToken);
            // System.CommandLine answers a parse error with 1, which here means a check failed.
            return parse.Errors.Count > 0 ? UsageError : exitCode;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var unreachable = DatabaseUnreachable(e);
            await configuration.Error.WriteLineAsync(unreachable is null ? e.Message : $"The database could not be reached, so nothing was done: {unreachable.Message}");
            return unreachable is null ? 1 : UsageError;
        }
    }

    /// <summary>The cause when the exception (or one it wraps, e.g. in EF's retry strategy) is a database that cannot be reached or opened.</summary>
    private static Exception? DatabaseUnreachable(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException { InnerException: SocketException or TimeoutException or IOException } or SqliteException { SqliteErrorCode: 14 })
            {
                return e;
            }
        }
        return null;
    }
}
