using System.CommandLine;
using Convergio.Cli.Baseline;

namespace Convergio.Cli;

/// <summary><c>convergio config lint</c>: the older name of <c>convergio baseline lint</c>, the same command.</summary>
internal static class ConfigCommand
{
    public static Command Create() => new("config", "Inspect configuration: `config lint` is `baseline lint`.") { BaselineCommand.LintCommand() };
}
