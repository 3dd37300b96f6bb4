using System.Text.Json;
using Convergio.Cli.Baseline;

namespace Convergio.Cli.Tests.Baseline;

/// <summary><c>baseline check http://…</c> grades a deployment served without TLS instead of refusing it.</summary>
public sealed class BaselinePlainHttpTests
{
    [Fact]
    public async Task A_plain_http_deployment_fails_its_tls_and_https_checks_runs_the_others_and_exits_1()
    {
        // NoRedirect: the plain-HTTP port serves requests instead of redirecting them.
        await using var server = await ReferenceServer.StartAsync(Flaw.NoRedirect);
        var path = BaselineCli.TempFile("report.json");
        var arguments = BaselineCli.CheckArguments(server);
        arguments[1] = $"http://127.0.0.1:{server.HttpPort}/";

        var (exitCode, _, error) = await BaselineCli.RunAsync([.. arguments, "--format", "json", "--output", path]);

        Assert.Equal(1, exitCode);
        Assert.Equal("", error.Trim());
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var checks = json.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => (Outcome: c.GetProperty("outcome").GetString(), Evidence: c.GetProperty("evidence").GetString()!));
        string[] transport =
        [
            BaselineChecks.TlsLegacyRefused.Id, BaselineChecks.TlsModernNegotiated.Id, BaselineChecks.TlsCertificateValid.Id,
            BaselineChecks.HttpsRedirect.Id, BaselineChecks.Hsts.Id,
        ];
        Assert.All(transport, id =>
        {
            Assert.Equal("fail", checks[id].Outcome);
            Assert.StartsWith("plain HTTP", checks[id].Evidence, StringComparison.Ordinal);
        });
        Assert.Equal(BaselineChecks.All.Count, checks.Count);
        Assert.All(checks.Where(c => !transport.Contains(c.Key)), c => Assert.DoesNotContain("not run", c.Value.Evidence, StringComparison.Ordinal));
        // The others were really made: their evidence is a response of the plain-HTTP server.
        Assert.StartsWith("GET /api/v1/auth/me → 200", checks[BaselineChecks.NoSniff.Id].Evidence, StringComparison.Ordinal);
    }
}
