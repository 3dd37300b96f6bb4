using Convergio.Api.Hosting;
using Convergio.Api.Platform;
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
        ["Sentry:Dsn"] = "https://public@sentry.example/1",
    };

    private static IReadOnlyList<GuardFinding> Errors(Dictionary<string, string?> settings) =>
        ProductionGuard.Check(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .Where(f => f.Severity == GuardSeverity.Error).ToList();

    [Fact]
    public void A_complete_production_configuration_has_no_errors() => Assert.Empty(Errors(GoodProduction()));

    [Fact]
    public void The_guard_lists_every_production_rule_of_the_assembly_once()
    {
        var written = typeof(IProductionRule).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IProductionRule).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .Order(StringComparer.Ordinal);

        Assert.Equal(written, ProductionGuard.Rules(TimeProvider.System).Select(r => r.GetType().FullName).Order(StringComparer.Ordinal));
    }

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
    [InlineData("Host=db;Database=c;Username=a;SSL Mode=Require")]
    public void Postgres_missing_or_without_certificate_validation_is_an_error(string? connectionString)
    {
        var settings = GoodProduction();
        settings["ConnectionStrings:Postgres"] = connectionString;

        Assert.Contains(Errors(settings), e => e.Rule == "postgres");
    }

    [Theory]
    [InlineData("VerifyFull")]
    [InlineData("VerifyCA")]
    public void Postgres_with_a_verifying_ssl_mode_passes(string mode)
    {
        var settings = GoodProduction();
        settings["ConnectionStrings:Postgres"] = $"Host=db;Database=c;Username=a;SSL Mode={mode};Root Certificate=/etc/ssl/provider-ca.pem";

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
    public void Redis_unset_is_an_error()
    {
        var settings = GoodProduction();
        settings.Remove("ConnectionStrings:Redis");

        Assert.Contains(Errors(settings), e => e.Rule == "redis");
    }

    [Fact]
    public void Sentry_unset_is_an_error()
    {
        var settings = GoodProduction();
        settings.Remove("Sentry:Dsn");

        Assert.Contains(Errors(settings), e => e.Rule == "sentry");
    }

    [Fact]
    public void Sentry_disabled_explicitly_is_a_warning_naming_the_checklist_line()
    {
        var settings = GoodProduction();
        settings.Remove("Sentry:Dsn");
        settings["Sentry:Disabled"] = "true";

        var findings = ProductionGuard.Check(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        var warning = Assert.Single(findings, f => f.Rule == "sentry");
        Assert.Equal(GuardSeverity.Warning, warning.Severity);
        Assert.Contains("Sentry enabled with PII sanitization", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://public@sentry.example/1")]
    [InlineData("sentry.example/1")]
    public void A_sentry_dsn_that_is_not_https_is_an_error(string dsn)
    {
        var settings = GoodProduction();
        settings["Sentry:Dsn"] = dsn;

        Assert.Contains(Errors(settings), e => e.Rule == "sentry-tls");
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

    [Fact]
    public void A_plaintext_metrics_port_on_every_address_is_an_error()
    {
        var settings = GoodProduction();
        settings["urls"] = "http://+:8080";
        settings["Observability:MetricsPort"] = "9464";
        settings["Observability:MetricsToken"] = TestKeys.SigningKey();

        Assert.Contains(Errors(settings), e => e.Rule == "metrics-listener" && e.Message.Contains("'+'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("203.0.113.7")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    public void A_plaintext_metrics_port_on_a_public_address_is_an_error(string address)
    {
        var settings = GoodProduction();
        settings["Observability:MetricsPort"] = "9464";
        settings["Observability:MetricsAddress"] = address;
        settings["Observability:MetricsToken"] = TestKeys.SigningKey();

        Assert.Contains(Errors(settings), e => e.Rule == "metrics-listener");
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.20.0.4")]
    [InlineData("192.168.1.9")]
    [InlineData("fd00::4")]
    public void A_metrics_port_on_a_loopback_or_private_address_with_the_token_passes(string address)
    {
        var settings = GoodProduction();
        settings["Observability:MetricsPort"] = "9464";
        settings["Observability:MetricsAddress"] = address;
        settings["Observability:MetricsToken"] = TestKeys.SigningKey();

        Assert.DoesNotContain(Errors(settings), e => e.Rule == "metrics-listener");
    }

    [Fact]
    public void A_metrics_port_without_the_token_is_an_error()
    {
        var settings = GoodProduction();
        settings["Observability:MetricsPort"] = "9464";
        settings["Observability:MetricsAddress"] = "127.0.0.1";

        Assert.Contains(Errors(settings), e => e.Rule == "metrics-listener");
    }

    [Theory]
    [InlineData("http://collector.internal:4318")]
    [InlineData("collector.internal:4318")]
    public void An_otlp_endpoint_that_is_not_https_is_an_error(string endpoint)
    {
        var settings = GoodProduction();
        settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint;

        Assert.Contains(Errors(settings), e => e.Rule == "otlp-tls");
    }
}
