using Convergio.Api.Hosting;
using Convergio.Api.Platform;
using Convergio.Api.Secrets;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Convergio.Api.Tests.Auth.Passkeys;

public sealed class WebAuthnSettingsTests
{
    private static List<string> WebAuthnErrors(Dictionary<string, string?> settings) =>
        ProductionGuard.Check(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .Where(f => f.Rule == "webauthn" && f.Severity == GuardSeverity.Error)
            .Select(f => f.Message)
            .ToList();

    [Fact]
    public void Unset_the_relying_party_is_convergio_io_with_the_cors_origins() => Assert.Empty(WebAuthnErrors([]));

    [Fact]
    public void Cors_origins_off_the_default_relying_party_are_a_warning_not_an_error()
    {
        var findings = ProductionGuard.Check(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ALLOWED_ORIGINS"] = "https://app.example.test" }).Build())
            .Where(f => f.Rule == "webauthn")
            .ToList();

        Assert.Equal([GuardSeverity.Warning], findings.Select(f => f.Severity));
    }

    [Theory]
    [InlineData("convergio.io", "http://app.convergio.io", "https")]
    [InlineData("convergio.io", "https://app.example.com", "relying party")]
    [InlineData("https://convergio.io", "https://app.convergio.io", "domain name")]
    [InlineData("convergio.io", "https://*.convergio.io", "exact")]
    public void A_production_relying_party_needs_https_origins_on_its_domain(string rpId, string origin, string problem)
    {
        var errors = WebAuthnErrors(new() { ["WebAuthn:RpId"] = rpId, ["WebAuthn:Origins:0"] = origin });

        Assert.Contains(errors, e => e.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Development_refuses_to_start_with_an_origin_off_the_relying_party()
    {
        // A real process: a host that fails to start in-process races its own disposal in the test host.
        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(new Dictionary<string, string?> { ["WebAuthn:Origins:0"] = "http://elsewhere.test:5173" }, "Development");

        Assert.Equal(1, exitCode);
        Assert.Contains("'http://elsewhere.test:5173' is not on the relying party id", output, StringComparison.Ordinal);
    }
}
