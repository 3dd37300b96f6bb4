using System.CommandLine;
using Convergio.Api.Secrets;

namespace Convergio.Cli;

/// <summary><c>convergio config lint</c>: the production guard, offline, over the current environment.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var lint = new Command("lint", "Check the configuration against every production rule; exit 1 when any is broken.");
        lint.SetAction(_ => Lint(CliHost.Configuration(), Console.Out));
        return new Command("config", "Inspect configuration.") { lint };
    }

    public static int Lint(Microsoft.Extensions.Configuration.IConfiguration configuration, TextWriter output)
    {
        var findings = ProductionGuard.Check(configuration);
        foreach (var finding in findings)
        {
            output.WriteLine(finding);
        }
        var errors = findings.Count(f => f.Severity == GuardSeverity.Error);
        output.WriteLine(errors == 0 ? "Configuration passes every production rule." : $"{errors} problem(s) found.");
        return errors == 0 ? 0 : 1;
    }
}
