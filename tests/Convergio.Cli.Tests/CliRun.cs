using System.CommandLine;
using System.Diagnostics;

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
        var start = new ProcessStartInfo("dotnet", [typeof(CliApp).Assembly.Location, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
