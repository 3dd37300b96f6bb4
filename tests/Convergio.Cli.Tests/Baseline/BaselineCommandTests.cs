using System.Text.Json;
using System.Xml.Linq;
using Convergio.Cli.Baseline;
using Convergio.Testing;

namespace Convergio.Cli.Tests.Baseline;

/// <summary>The command: exit codes 0/1/2, --output, and each report format read back by a consumer's parser.</summary>
public sealed class BaselineCommandTests
{
    [Fact]
    public async Task Check_exits_0_and_writes_the_documented_json_when_every_check_passes()
    {
        await using var server = await ReferenceServer.StartAsync();
        var path = BaselineCli.TempFile("report.json");

        var (exitCode, output, _) = await BaselineCli.RunAsync([.. BaselineCli.CheckArguments(server), "--format", "json", "--output", path]);

        Assert.Equal(0, exitCode);
        Assert.Contains("0 failed", output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("check", root.GetProperty("command").GetString());
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(0, root.GetProperty("summary").GetProperty("fail").GetInt32());
        var checks = root.GetProperty("checks").EnumerateArray().ToList();
        Assert.Equal(BaselineChecks.All.Select(c => c.Id), checks.Select(c => c.GetProperty("id").GetString()));
        Assert.All(checks, c =>
        {
            Assert.Contains(c.GetProperty("outcome").GetString(), new[] { "pass", "skip" });
            Assert.False(string.IsNullOrEmpty(c.GetProperty("evidence").GetString()));
            Assert.False(string.IsNullOrEmpty(c.GetProperty("fix").GetString()));
        });
    }

    [Fact]
    public async Task Check_exits_1_and_sarif_has_the_2_1_0_shape_with_the_failed_rule_as_an_error()
    {
        await using var server = await ReferenceServer.StartAsync(Flaw.NoHsts);

        var (exitCode, output, _) = await BaselineCli.RunAsync([.. BaselineCli.CheckArguments(server), "--format", "sarif"]);

        Assert.Equal(1, exitCode);
        using var sarif = JsonDocument.Parse(output);
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        Assert.EndsWith("sarif-2.1.0.json", sarif.RootElement.GetProperty("$schema").GetString(), StringComparison.Ordinal);
        var run = sarif.RootElement.GetProperty("runs")[0];
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.False(string.IsNullOrEmpty(driver.GetProperty("name").GetString()));
        var rules = driver.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(BaselineChecks.All.Select(c => c.Id), rules);
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.All(results, r =>
        {
            var ruleId = r.GetProperty("ruleId").GetString();
            Assert.Equal(rules.IndexOf(ruleId), r.GetProperty("ruleIndex").GetInt32());
            Assert.Contains(r.GetProperty("level").GetString(), new[] { "none", "note", "warning", "error" });
            Assert.Contains(r.GetProperty("kind").GetString(), new[] { "pass", "fail", "notApplicable" });
            Assert.False(string.IsNullOrEmpty(r.GetProperty("message").GetProperty("text").GetString()));
        });
        var failed = Assert.Single(results, r => r.GetProperty("level").GetString() == "error");
        Assert.Equal("https.hsts", failed.GetProperty("ruleId").GetString());
        Assert.Equal("fail", failed.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Check_junit_output_parses_and_reports_the_failure_under_its_id()
    {
        await using var server = await ReferenceServer.StartAsync(Flaw.ReflectedOrigin);

        var (exitCode, output, _) = await BaselineCli.RunAsync([.. BaselineCli.CheckArguments(server), "--format", "junit"]);

        Assert.Equal(1, exitCode);
        var document = XDocument.Parse(output);
        var suite = Assert.Single(document.Root!.Elements("testsuite"));
        Assert.Equal(BaselineChecks.All.Count, (int)suite.Attribute("tests")!);
        Assert.Equal(1, (int)suite.Attribute("failures")!);
        var failure = Assert.Single(suite.Elements("testcase").Elements("failure"));
        Assert.Equal("cors.disallowed-origins", (string?)failure.Attribute("type"));
        Assert.Equal("cors", (string?)failure.Parent!.Attribute("classname"));
    }

    [Fact]
    public async Task Check_text_output_is_a_table_with_the_fix_under_each_failure()
    {
        await using var server = await ReferenceServer.StartAsync(Flaw.NoCsrf);

        var (exitCode, output, error) = await BaselineCli.RunAsync(BaselineCli.CheckArguments(server));

        Assert.Equal(1, exitCode);
        Assert.Contains("CHECK", output, StringComparison.Ordinal);
        Assert.Contains("RESULT  EVIDENCE", output, StringComparison.Ordinal);
        Assert.Matches(@"csrf\.missing-token\s+FAIL\s+DELETE /api/v1/auth/sessions/", output);
        Assert.Contains($"fix: {BaselineChecks.CsrfMissingToken.Fix}", output, StringComparison.Ordinal);
        Assert.Contains("2 failed", output, StringComparison.Ordinal);
        // Progress lines go to a terminal only; captured stderr stays empty.
        Assert.Equal("", error);
    }

    [Fact]
    public async Task Check_exits_2_when_nothing_listens_at_the_target()
    {
        using var nothingListens = Loopback.RefusingPort(out var port);

        var (exitCode, output, error) = await BaselineCli.RunAsync("check", $"https://127.0.0.1:{port}", "--timeout", "2s");

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.Contains("Cannot connect", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("check", "https://127.0.0.1:1", "--format", "xml")]
    [InlineData("check", "not a url")]
    [InlineData("check", "https://127.0.0.1:1", "--timeout", "soon")]
    [InlineData("check", "https://127.0.0.1:1", "--origin", "https://app.example.test/path")]
    [InlineData("check", "https://127.0.0.1:1", "--credentials-file", "/nonexistent/account.json")]
    [InlineData("check", "https://127.0.0.1:1", "--no-such-option")]
    [InlineData("lint", "--env-file", "/nonexistent/production.env")]
    public async Task Wrong_arguments_exit_2_with_the_reason_on_stderr(params string[] args)
    {
        var (exitCode, output, error) = await BaselineCli.RunAsync(args);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
        Assert.NotEqual("", error.Trim());
    }
}
