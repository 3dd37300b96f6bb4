using Convergio.Api.Data;

namespace Convergio.Cli.Tests;

/// <summary><c>convergio</c> as a .NET tool: packed from the built project, installed offline from the package folder.</summary>
[Collection(SourceProjectCommands.Name)]
public sealed class ToolPackageTests
{
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

        var pack = await ExternalProcess.RunAsync("dotnet", "pack", Path.Combine(checkout, "src", "Convergio.Cli"), "--no-build", "-c", "Debug", "-o", packages);
        Assert.True(pack.ExitCode == 0, pack.All);
        var install = await ExternalProcess.RunAsync("dotnet", "tool", "install", "Convergio.Cli", "--tool-path", tools, "--configfile", config);
        Assert.True(install.ExitCode == 0, install.All);
        var help = await ExternalProcess.RunAsync(Path.Combine(tools, "convergio"), "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("migrate", help.All, StringComparison.Ordinal);
        Assert.Contains("baseline", help.All, StringComparison.Ordinal);
    }
}
