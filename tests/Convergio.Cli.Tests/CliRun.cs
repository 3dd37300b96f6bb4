using System.CommandLine;

namespace Convergio.Cli.Tests;

/// <summary>Runs <c>convergio</c>: in-process through the real parser, or as the built program in a folder of the test's choosing.</summary>
internal static class CliRun
{
    public static async Task<(int ExitCode, string Output, string Error)> InProcessAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CliApp.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The built <c>convergio</c> in <paramref name="workingDirectory"/>, with no inherited connection string and the given environment.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> ProcessAsync(string workingDirectory, IDictionary<string, string?> environment, params string[] args)
    {
        var variables = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .ToDictionary(k => k, _ => (string?)null);
        foreach (var (key, value) in environment)
        {
            variables[key] = value;
        }
        var result = await ExternalProcess.RunAsync("dotnet", [typeof(CliApp).Assembly.Location, .. args], variables, workingDirectory);
        return (result.ExitCode, result.Output, result.Error);
    }
}
