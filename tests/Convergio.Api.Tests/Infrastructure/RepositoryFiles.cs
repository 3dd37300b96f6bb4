using System.Diagnostics;
using Convergio.Api.Data;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>The repository's files, as git tracks them.</summary>
public static class RepositoryFiles
{
    public static string Root() =>
        DataRoot.CheckoutAbove(AppContext.BaseDirectory) ?? throw new InvalidOperationException($"{DataRoot.SolutionFile} not found above the test output folder.");

    public static IReadOnlyList<string> Tracked()
    {
        var start = new ProcessStartInfo("git", ["-C", Root(), "ls-files", "-z"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }
}
