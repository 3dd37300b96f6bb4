using System.Security.Cryptography;
using Convergio.Api.Secrets;
using Convergio.Cli.Baseline;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;

namespace Convergio.Cli.Tests;

public sealed class ConfigLintTests
{
    [Fact]
    public async Task Config_lint_is_baseline_lint_under_its_older_name()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("convergio-lint-").FullName, "production.env");
        await File.WriteAllLinesAsync(path, ["ALLOWED_ORIGINS=*", "ConnectionStrings__Postgres=Host=db.internal;Database=convergio;Username=app"], TestContext.Current.CancellationToken);

        var asConfig = await CliRun.InProcessAsync("config", "lint", "--env-file", path, "--format", "json");
        var asBaseline = await CliRun.InProcessAsync("baseline", "lint", "--env-file", path, "--format", "json");

        Assert.Equal(1, asConfig.ExitCode);
        Assert.Equal(asBaseline.ExitCode, asConfig.ExitCode);
        Assert.Equal(WithoutTimes(asBaseline.Output), WithoutTimes(asConfig.Output));
        Assert.Contains("config.cors-origins", asConfig.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_reports_every_problem_and_exits_1()
    {
        var report = Lint(new Dictionary<string, string?>
        {
            ["Security:SigningKeys:0"] = "0123456789",
            ["ConnectionStrings:Postgres"] = "Host=db.internal;Database=convergio;Username=app",
            ["ALLOWED_ORIGINS"] = "*",
        });

        Assert.Equal(1, report.ExitCode);
        Assert.Subset(Failed(report), new HashSet<string>
        {
            "config.signing-keys", "config.postgres", "config.cors-origins", "config.encryption-keys", "config.allowed-hosts",
        });
    }

    [Theory]
    [InlineData("*")]
    [InlineData("api.convergio.io;*")]
    public void Lint_refuses_allowed_hosts_that_let_any_host_through(string allowedHosts)
    {
        var settings = SoundProduction();
        settings["AllowedHosts"] = allowedHosts;

        var report = Lint(settings);

        Assert.Equal(1, report.ExitCode);
        Assert.Contains("config.allowed-hosts", Failed(report));
    }

    [Theory]
    [InlineData("ConnectionStrings:Redis", "config.redis")]
    [InlineData("Sentry:Dsn", "config.sentry")]
    public void Lint_of_production_without_redis_or_sentry_exits_1(string removed, string rule)
    {
        var settings = SoundProduction();
        settings.Remove(removed);

        var report = Lint(settings);

        Assert.Equal(1, report.ExitCode);
        Assert.Contains(rule, Failed(report));
    }

    [Fact]
    public void Lint_with_sentry_disabled_exits_0_with_a_warning_naming_the_checklist_line()
    {
        var settings = SoundProduction();
        settings.Remove("Sentry:Dsn");
        settings["Sentry:Disabled"] = "true";

        var report = Lint(settings);

        Assert.Equal(0, report.ExitCode);
        var warning = Assert.Single(report.Results, r => r.Id == "config.sentry");
        Assert.Equal(CheckOutcome.Warn, warning.Outcome);
        Assert.Contains("Sentry enabled with PII sanitization", warning.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_of_keys_created_today_has_no_rotation_finding()
    {
        Assert.DoesNotContain(Lint(SoundProduction()).Results, r => r.Id == RotationCheck);
    }

    [Fact]
    public void Lint_warns_when_the_active_key_is_older_than_its_schedule_and_still_exits_0()
    {
        var settings = SoundProduction();
        settings["Security:SigningKeys:0"] = "2020-01-01:" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(64));

        var report = Lint(settings);

        Assert.Equal(0, report.ExitCode);
        var warning = Assert.Single(report.Results, r => r.Id == RotationCheck);
        Assert.Equal(CheckOutcome.Warn, warning.Outcome);
        Assert.Contains("Security:SigningKeys:0 was created", warning.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void Lint_warns_when_the_active_key_has_no_date()
    {
        var settings = SoundProduction();
        settings["Encryption:Keys:0"] = FernetKey.Generate();

        var warning = Assert.Single(Lint(settings).Results, r => r.Id == RotationCheck);

        Assert.Contains("Encryption:Keys:0 has no creation date", warning.Evidence, StringComparison.Ordinal);
    }

    private const string RotationCheck = "config." + KeyRotationRule.Rule;

    private static string Today => DateTime.UtcNow.ToString(RingEntry.DateFormat, System.Globalization.CultureInfo.InvariantCulture);

    private static Dictionary<string, string?> SoundProduction() => new()
    {
        ["Security:SigningKeys:0"] = $"{Today}:{WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(64))}",
        ["Encryption:Keys:0"] = $"{Today}:{FernetKey.Generate()}",
        ["ConnectionStrings:Postgres"] = "Host=db.internal;Database=convergio;Username=app;SSL Mode=VerifyFull",
        ["ConnectionStrings:Redis"] = "cache.internal:6380,ssl=true",
        ["Sentry:Dsn"] = "https://public@sentry.example/1",
        ["AllowedHosts"] = "api.convergio.io",
    };

    private static BaselineReport Lint(Dictionary<string, string?> settings) =>
        BaselineLint.Run(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), "test", TimeProvider.System);

    private static HashSet<string> Failed(BaselineReport report) =>
        report.Results.Where(r => r.Outcome == CheckOutcome.Fail).Select(r => r.Id).ToHashSet();

    private static string WithoutTimes(string json) =>
        System.Text.RegularExpressions.Regex.Replace(json, "\"(startedAt|finishedAt|durationMs|generatedAt)\":[^,}]*", "");
}
