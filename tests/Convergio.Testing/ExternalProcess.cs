using System.Diagnostics;

namespace Convergio.Testing;

/// <summary>What a finished program printed and how it exited.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    /// <summary>Standard output and error together, for assertion messages.</summary>
    public string All => Output + Error;
}

/// <summary>Runs a program (dotnet, bicep, bash) to completion with its output captured.</summary>
public static class ExternalProcess
{
    public static Task<ProcessResult> RunAsync(string file, params string[] args) => RunAsync(file, args, new Dictionary<string, string?>());

    /// <param name="environment">Variables set (or, with a null value, removed) on top of the test's own.</param>
    /// <param name="timeout">How long the program may run before it is killed and a <see cref="TimeoutException"/> thrown; no limit when null.</param>
    public static async Task<ProcessResult> RunAsync(
        string file, IEnumerable<string> args, IDictionary<string, string?> environment, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var start = StartInfo(file, args, environment, workingDirectory);
        start.RedirectStandardInput = true;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        if (timeout is { } after)
        {
            limit.CancelAfter(after);
        }
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not exit within {timeout}.");
        }
        return new(process.ExitCode, await output, await error);
    }

    /// <summary>How to start <paramref name="file"/> with its output redirected, for a program a test follows while it runs.</summary>
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, IDictionary<string, string?> environment, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }
        return start;
    }
}
