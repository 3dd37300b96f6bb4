using Convergio.Cli;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Convergio.Cli.Tests;

/// <summary>The CLI decides its environment as the server does, so both read the same keys and rules.</summary>
public sealed class CliEnvironmentTests
{
    private static string EnvironmentOf(params (string Key, string Value)[] variables) =>
        CliHost.Environment(new ConfigurationBuilder().AddInMemoryCollection(variables.ToDictionary(v => v.Key, v => (string?)v.Value)).Build()).EnvironmentName;

    [Fact]
    public void Without_a_named_environment_the_cli_assumes_production() => Assert.Equal(Environments.Production, EnvironmentOf());

    [Fact]
    public void Dotnet_environment_alone_names_the_environment() =>
        Assert.Equal(Environments.Development, EnvironmentOf(("DOTNET_ENVIRONMENT", Environments.Development)));

    [Fact]
    public void Aspnetcore_environment_wins_over_dotnet_environment() =>
        Assert.Equal(Environments.Production, EnvironmentOf(("ASPNETCORE_ENVIRONMENT", Environments.Production), ("DOTNET_ENVIRONMENT", Environments.Development)));
}
