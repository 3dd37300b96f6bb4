using Convergio.Api.Secrets;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Convergio.Api.Tests.Passkeys;

public sealed class WebAuthnSettingsTests
{
    private static List<string> WebAuthnErrors(Dictionary<string, string?> settings) =>
        ProductionGuard.Check(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .Where(f => f.Rule == "webauthn")
            .Select(f => f.Message)
            .ToList();

    [Fact]
    public void Unset_the_relying_party_is_convergio_io_with_the_cors_origins() => Assert.Empty(WebAuthnErrors([]));

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
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["WebAuthn:Origins:0"] = "http://elsewhere.test:5173" });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("relying party", error.ToString(), StringComparison.Ordinal);
    }
}
