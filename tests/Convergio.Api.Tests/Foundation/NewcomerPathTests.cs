using System.Diagnostics;
using Convergio.Api.Data;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Foundation;

/// <summary>The README's commands, run as a new user runs them (<c>dotnet run --project src/Convergio.Api</c>).</summary>
public sealed class NewcomerPathTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(300);

    /// <summary><c>dotnet run</c> of the built API with its launch profile, on a port the system picks, with none of this shell's environment or connection strings.</summary>
    private static RunningApi DotnetRun(IDictionary<string, string> environment)
    {
        var root = RepositoryFiles.Root();
        var start = new ProcessStartInfo("dotnet", ["run", "--no-build", "--project", Path.Combine(root, "src", "Convergio.Api"), "--", "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
            || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k == "DOTNET_ENVIRONMENT").ToList())
        {
            start.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        return new RunningApi(Process.Start(start)!);
    }

    [Fact]
    public async Task Plain_dotnet_run_is_Development_on_the_checkouts_data_folder()
    {
        await using var api = DotnetRun(new Dictionary<string, string>());

        var started = await api.WaitUntilStartedAsync(StartTimeout);
        var output = await api.StopAsync();

        Assert.True(started, output);
        Assert.Contains("Hosting environment: Development", output, StringComparison.Ordinal);
        Assert.Contains($"Database: SQLite at {Path.Combine(RepositoryFiles.Root(), "data", "convergio.db")}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_start_log_says_where_the_server_listens_and_who_terminates_TLS()
    {
        await using var api = (await ApiProcess.TryStartAsync(new Dictionary<string, string?>(), "Development"))!;
        var output = await api.StopAsync();

        Assert.Contains($"Listening on {api.Addresses.Single().ToString().TrimEnd('/')}", output, StringComparison.Ordinal);
        Assert.Contains("TLS is not terminated here", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_a_checkout_data_paths_resolve_against_the_working_directory()
    {
        var elsewhere = Directory.CreateTempSubdirectory("convergio-installed-").FullName;

        Assert.Null(DataRoot.CheckoutAbove(elsewhere));
    }
}
