using System.CommandLine;

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
        var parse = Root().Parse(args);
        var exitCode = await parse.InvokeAsync(configuration, cancellationToken);
        // System.CommandLine answers a parse error with 1, which here means a check failed.
        return parse.Errors.Count > 0 ? UsageError : exitCode;
    }
}
