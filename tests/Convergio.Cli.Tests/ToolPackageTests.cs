using System.Diagnostics;
using Convergio.Api.Data;

namespace Convergio.Cli.Tests;

/// <summary><c>convergio</c> as a .NET tool: packed from the built project, installed offline from the package folder.</summary>
public sealed class ToolPackageTests
{
    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task Dotnet_pack_makes_a_tool_that_installs_offline_as_the_convergio_command()
    {
        var checkout = DataRoot.CheckoutAbove(AppContext.BaseDirectory)!;
        var work = Directory.CreateTempSubdirectory("convergio-tool-").FullName;
        var packages = Path.Combine(work, "packages");
        var tools = Path.Combine(work, "tools");
        // Only the package folder as a source: the install must not need a registry.
        var config = Path.Combine(work, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="local" value="{packages}" /></packageSources></configuration>
            """, TestContext.Current.CancellationToken);

        var pack = await RunAsync("dotnet", "pack", Path.Combine(checkout, "src", "Convergio.Cli"), "--no-build", "-c", "Debug", "-o", packages);
        Assert.True(pack.ExitCode == 0, pack.Output);
        var install = await RunAsync("dotnet", "tool", "install", "Convergio.Cli", "--tool-path", tools, "--configfile", config);
        Assert.True(install.ExitCode == 0, install.Output);
        var help = await RunAsync(Path.Combine(tools, "convergio"), "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("migrate", help.Output, StringComparison.Ordinal);
        Assert.Contains("baseline", help.Output, StringComparison.Ordinal);
    }
}
