using System.CommandLine;

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

    private static string WithoutTimes(string json) =>
        System.Text.RegularExpressions.Regex.Replace(json, "\"(startedAt|finishedAt|durationMs|generatedAt)\":[^,}]*", "");
}
