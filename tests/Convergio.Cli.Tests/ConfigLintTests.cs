using System.Security.Cryptography;
using Convergio.Api.Secrets;
using Microsoft.AspNetCore.WebUtilities;
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

    private static Dictionary<string, string?> SoundProduction() => new()
    {
        ["Security:SigningKeys:0"] = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(64)),
        ["Encryption:Keys:0"] = FernetKey.Generate(),
        ["ConnectionStrings:Postgres"] = "Host=db.internal;Database=convergio;Username=app;SSL Mode=VerifyFull",
        ["ConnectionStrings:Redis"] = "cache.internal:6380,ssl=true",
        ["Sentry:Dsn"] = "https://public@sentry.example/1",
        ["AllowedHosts"] = "api.convergio.io",
    };

    private static (int ExitCode, string Output) Lint(Dictionary<string, string?> settings)
    {
        var output = new StringWriter();
        var exitCode = ConfigCommand.Lint(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), output);
        return (exitCode, output.ToString());
    }

    [Theory]
    [InlineData("ConnectionStrings:Redis", "[redis]")]
    [InlineData("Sentry:Dsn", "[sentry]")]
    public void Lint_of_production_without_redis_or_sentry_exits_1(string removed, string rule)
    {
        var settings = SoundProduction();
        settings.Remove(removed);

        var (exitCode, output) = Lint(settings);

        Assert.Equal(1, exitCode);
        Assert.Contains("error " + rule, output, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_with_sentry_disabled_exits_0_with_a_warning_naming_the_checklist_line()
    {
        var settings = SoundProduction();
        settings.Remove("Sentry:Dsn");
        settings["Sentry:Disabled"] = "true";

        var (exitCode, output) = Lint(settings);

        Assert.Equal(0, exitCode);
        Assert.Contains("warning [sentry]", output, StringComparison.Ordinal);
        Assert.Contains("Sentry enabled with PII sanitization", output, StringComparison.Ordinal);
    }
}
