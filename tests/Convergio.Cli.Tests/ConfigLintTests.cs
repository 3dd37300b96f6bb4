using Convergio.Api.Secrets;
using Microsoft.Extensions.Configuration;

namespace Convergio.Cli.Tests;

public sealed class ConfigLintTests
{
    [Fact]
    public void Lint_reports_every_problem_and_exits_1()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Security:SigningKeys:0"] = "0123456789",
            ["ConnectionStrings:Postgres"] = "Host=db.internal;Database=convergio;Username=app",
            ["ALLOWED_ORIGINS"] = "*",
        }).Build();
        var output = new StringWriter();

        var exitCode = ConfigCommand.Lint(configuration, output);

        Assert.Equal(1, exitCode);
        var text = output.ToString();
        Assert.Contains("[signing-keys]", text, StringComparison.Ordinal);
        Assert.Contains("[postgres]", text, StringComparison.Ordinal);
        Assert.Contains("[cors-origins]", text, StringComparison.Ordinal);
        Assert.Contains("[encryption-keys]", text, StringComparison.Ordinal);
        Assert.Contains("[allowed-hosts]", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("api.convergio.io;*")]
    public void Lint_refuses_allowed_hosts_that_let_any_host_through(string allowedHosts)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AllowedHosts"] = allowedHosts }).Build();
        var output = new StringWriter();

        Assert.Equal(1, ConfigCommand.Lint(configuration, output));
        Assert.Contains("[allowed-hosts]", output.ToString(), StringComparison.Ordinal);
    }
}
