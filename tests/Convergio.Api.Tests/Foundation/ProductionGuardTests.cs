using Convergio.Api.Secrets;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Convergio.Api.Tests.Foundation;

public sealed class ProductionGuardTests
{
    private static Dictionary<string, string?> GoodProduction() => new()
    {
        ["AllowedHosts"] = "api.convergio.io;*.convergio.io",
        ["Security:SigningKeys:0"] = TestKeys.SigningKey() + TestKeys.SigningKey(),
        ["Encryption:Keys:0"] = TestKeys.FernetKey(),
        ["ConnectionStrings:Postgres"] = "Host=db.internal;Database=convergio;Username=app;SSL Mode=VerifyFull",
        ["ConnectionStrings:Redis"] = "cache.internal:6380,ssl=true",
    };

    private static IReadOnlyList<GuardFinding> Errors(Dictionary<string, string?> settings) =>
        ProductionGuard.Check(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .Where(f => f.Severity == GuardSeverity.Error).ToList();

    [Fact]
    public void A_complete_production_configuration_has_no_errors() => Assert.Empty(Errors(GoodProduction()));

    [Fact]
    public async Task Production_start_with_a_short_key_plaintext_postgres_and_wildcard_cors_exits_1_listing_all_three()
    {
        var settings = GoodProduction();
        settings["Security:SigningKeys:0"] = "0123456789";
        settings["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Database=convergio;Username=app";
        settings["ALLOWED_ORIGINS"] = "*";

        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(settings, "Production");

        Assert.Equal(1, exitCode);
        Assert.Contains("[signing-keys]", output, StringComparison.Ordinal);
        Assert.Contains("[postgres]", output, StringComparison.Ordinal);
        Assert.Contains("[cors-origins]", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("api.convergio.io;*")]
    public void Allowed_hosts_missing_or_a_wildcard_is_an_error(string? allowedHosts)
    {
        var settings = GoodProduction();
        settings["AllowedHosts"] = allowedHosts;

        Assert.Contains(Errors(settings), e => e.Rule == "allowed-hosts");
    }

    [Theory]
    [InlineData("short-key")]
    [InlineData("changemechangemechangemechangemechangeme")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("secretsecretsecretsecretsecretsecretsecret")]
    [InlineData(DevelopmentKeys.SigningKeyPrefix + "0123456789abcdefghijklmnopqrstuvwxyz")]
    public void Weak_or_placeholder_signing_keys_are_errors(string key)
    {
        var settings = GoodProduction();
        settings["Security:SigningKeys:0"] = key;

        Assert.Contains(Errors(settings), e => e.Rule == "signing-keys");
    }

    [Fact]
    public void Every_signing_key_of_the_ring_is_checked()
    {
        var settings = GoodProduction();
        settings["Security:SigningKeys:1"] = "too-short";

        Assert.Contains(Errors(settings), e => e.Rule == "signing-keys" && e.Message.Contains("Security:SigningKeys:1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_signing_key_under_64_characters_is_a_warning()
    {
        var settings = GoodProduction();
        settings["Security:SigningKeys:0"] = TestKeys.SigningKey()[..40];

        var findings = ProductionGuard.Check(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        Assert.Contains(findings, f => f.Rule == "signing-keys" && f.Severity == GuardSeverity.Warning);
        Assert.DoesNotContain(findings, f => f.Rule == "signing-keys" && f.Severity == GuardSeverity.Error);
    }

    [Fact]
    public void Missing_signing_keys_are_an_error()
    {
        var settings = GoodProduction();
        settings.Remove("Security:SigningKeys:0");

        Assert.Contains(Errors(settings), e => e.Rule == "signing-keys");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Host=db;Database=c;Username=a;SSL Mode=Prefer")]
    [InlineData("Host=db;Database=c;Username=a;SSL Mode=Disable")]
    public void Postgres_missing_or_without_required_tls_is_an_error(string? connectionString)
    {
        var settings = GoodProduction();
        settings["ConnectionStrings:Postgres"] = connectionString;

        Assert.Contains(Errors(settings), e => e.Rule == "postgres");
    }

    [Fact]
    public void Postgres_with_ssl_mode_require_passes()
    {
        var settings = GoodProduction();
        settings["ConnectionStrings:Postgres"] = "Host=db;Database=c;Username=a;SSL Mode=Require";

        Assert.DoesNotContain(Errors(settings), e => e.Rule == "postgres");
    }

    [Fact]
    public void Redis_without_tls_is_an_error()
    {
        var settings = GoodProduction();
        settings["ConnectionStrings:Redis"] = "cache.internal:6379";

        Assert.Contains(Errors(settings), e => e.Rule == "redis");
    }

    [Fact]
    public void Redis_unset_is_allowed()
    {
        var settings = GoodProduction();
        settings.Remove("ConnectionStrings:Redis");

        Assert.DoesNotContain(Errors(settings), e => e.Rule == "redis");
    }

    [Theory]
    [InlineData("ALLOWED_ORIGINS", "*")]
    [InlineData("ALLOWED_ORIGINS", "http://app.convergio.io")]
    [InlineData("CORS_ALLOWED_ORIGINS", "https://app.convergio.io/path")]
    [InlineData("CORS_ALLOWED_ORIGINS", "https://*.convergio.io")]
    [InlineData("ALLOWED_ORIGINS", "https://app.convergio.io, null")]
    public void Cors_origins_that_are_not_exact_https_origins_are_errors(string key, string value)
    {
        var settings = GoodProduction();
        settings[key] = value;

        Assert.Contains(Errors(settings), e => e.Rule == "cors-origins");
    }

    [Fact]
    public void Exact_https_origins_with_a_port_pass()
    {
        var settings = GoodProduction();
        settings["ALLOWED_ORIGINS"] = "https://app.convergio.io,https://staging.convergio.io:8443";

        Assert.DoesNotContain(Errors(settings), e => e.Rule == "cors-origins");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-fernet-key")]
    public void Missing_or_invalid_encryption_keys_are_errors(string? key)
    {
        var settings = GoodProduction();
        settings["Encryption:Keys:0"] = key;

        Assert.Contains(Errors(settings), e => e.Rule == "encryption-keys");
    }
}
