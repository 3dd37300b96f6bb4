using System.Text.Json;
using Convergio.Api.Hosting;
using Convergio.Api.Platform;
using Convergio.Api.Secrets;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Convergio.Api.Tests.Secrets;

public sealed class SecretGuardTests
{
    private static Dictionary<string, string?> GoodProduction() => new()
    {
        ["AllowedHosts"] = "api.convergio.io;*.convergio.io",
        ["Security:SigningKeys:0"] = TestKeys.SigningKey() + TestKeys.SigningKey(),
        ["Encryption:Keys:0"] = TestKeys.FernetKey(),
        ["Stripe:WebhookSecrets:0"] = TestKeys.StripeWebhookSecret(),
        ["ConnectionStrings:Postgres"] = "Host=db.internal;Database=convergio;Username=app;SSL Mode=VerifyFull",
    };

    private static IReadOnlyList<GuardFinding> Check(Dictionary<string, string?> settings, Dictionary<string, string?>? appsettingsJson = null)
    {
        var builder = new ConfigurationBuilder();
        if (appsettingsJson is not null)
        {
            var directory = Directory.CreateTempSubdirectory("convergio-appsettings-").FullName;
            var nested = new Dictionary<string, object>();
            foreach (var (key, value) in appsettingsJson)
            {
                var parts = key.Split(':');
                var node = nested;
                foreach (var part in parts[..^1])
                {
                    node = (Dictionary<string, object>)(node.TryGetValue(part, out var child) ? child : node[part] = new Dictionary<string, object>());
                }
                node[parts[^1]] = value!;
            }
            File.WriteAllText(Path.Combine(directory, "appsettings.Production.json"), JsonSerializer.Serialize(nested));
            builder.SetBasePath(directory).AddJsonFile("appsettings.Production.json");
        }
        return ProductionGuard.Check(builder.AddInMemoryCollection(settings).Build());
    }

    private static IEnumerable<GuardFinding> Errors(IReadOnlyList<GuardFinding> findings, string rule) =>
        findings.Where(f => f.Severity == GuardSeverity.Error && f.Rule == rule);

    [Fact]
    public void A_complete_configuration_has_no_secret_findings()
    {
        var findings = Check(GoodProduction());

        Assert.DoesNotContain(findings, f => f.Rule is "encryption-keys" or "stripe" or "secret-source");
    }

    [Fact]
    public void Every_encryption_key_of_the_ring_must_be_a_fernet_key()
    {
        var settings = GoodProduction();
        settings["Encryption:Keys:1"] = TestKeys.SigningKey();

        Assert.Contains(Errors(Check(settings), "encryption-keys"), f => f.Message.Contains("Encryption:Keys:1", StringComparison.Ordinal));
    }

    [Fact]
    public void The_legacy_key_alone_is_accepted_with_a_warning_to_move_it()
    {
        var settings = GoodProduction();
        settings.Remove("Encryption:Keys:0");
        settings["API_KEY_ENCRYPTION_KEY"] = TestKeys.FernetKey();

        var findings = Check(settings);

        Assert.Empty(Errors(findings, "encryption-keys"));
        Assert.Contains(findings, f => f.Rule == "encryption-keys" && f.Severity == GuardSeverity.Warning);
    }

    [Fact]
    public void An_invalid_legacy_key_is_an_error()
    {
        var settings = GoodProduction();
        settings["API_KEY_ENCRYPTION_KEY"] = "short";

        Assert.Contains(Errors(Check(settings), "encryption-keys"), f => f.Message.Contains("API_KEY_ENCRYPTION_KEY", StringComparison.Ordinal));
    }

    [Fact]
    public void A_stripe_secret_not_starting_with_whsec_is_an_error()
    {
        var settings = GoodProduction();
        settings["Stripe:WebhookSecrets:1"] = TestKeys.SigningKey();

        Assert.Contains(Errors(Check(settings), "stripe"), f => f.Message.Contains("Stripe:WebhookSecrets:1", StringComparison.Ordinal));
    }

    [Fact]
    public void No_stripe_secret_is_a_warning_only()
    {
        var settings = GoodProduction();
        settings.Remove("Stripe:WebhookSecrets:0");

        var findings = Check(settings);

        Assert.Empty(Errors(findings, "stripe"));
        Assert.Contains(findings, f => f.Rule == "stripe" && f.Severity == GuardSeverity.Warning);
    }

    [Theory]
    [InlineData("Security:SigningKeys:0")]
    [InlineData("Encryption:Keys:0")]
    [InlineData("Stripe:WebhookSecrets:0")]
    public void A_secret_value_in_appsettings_json_is_an_error_even_when_the_environment_overrides_it(string key)
    {
        var settings = GoodProduction();

        var findings = Check(settings, new() { [key] = settings[key] });

        Assert.Contains(Errors(findings, "secret-source"), f => f.Message.Contains(key, StringComparison.Ordinal) && f.Message.Contains("appsettings.Production.json", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Stripe:ApiKey")]
    [InlineData("Sentry:Dsn")]
    [InlineData("Observability:MetricsToken")]
    [InlineData("Email:Smtp:Password")]
    [InlineData("API_KEY_ENCRYPTION_KEY")]
    public void A_single_secret_setting_in_appsettings_json_is_an_error(string key)
    {
        var findings = Check(GoodProduction(), new() { [key] = TestKeys.Password() });

        Assert.Contains(Errors(findings, "secret-source"), f => f.Message.Contains(key, StringComparison.Ordinal) && f.Message.Contains("appsettings.Production.json", StringComparison.Ordinal));
    }

    [Fact]
    public void A_connection_string_is_a_secret_in_appsettings_only_when_it_carries_a_password()
    {
        var settings = GoodProduction();

        var withoutPassword = Check(settings, new() { ["ConnectionStrings:Postgres"] = "Host=db.internal;Database=convergio;Username=app;SSL Mode=VerifyFull" });
        var withPassword = Check(settings, new() { ["ConnectionStrings:Postgres"] = "Host=db.internal;Username=app;Password=" + TestKeys.Password() });

        Assert.Empty(Errors(withoutPassword, "secret-source"));
        Assert.Contains(Errors(withPassword, "secret-source"), f => f.Message.Contains("ConnectionStrings:Postgres", StringComparison.Ordinal));
    }

    [Fact]
    public void Non_secret_settings_in_appsettings_json_are_fine()
    {
        var findings = Check(GoodProduction(), new() { ["Database:SqlitePath"] = "data/convergio.db", ["Audit:RetentionDays"] = "365" });

        Assert.Empty(Errors(findings, "secret-source"));
    }

    [Fact]
    public void The_repositorys_own_appsettings_files_hold_no_secret()
    {
        var directory = Path.Combine(RepositoryFiles.Root(), "src", "Convergio.Api");
        var configuration = new ConfigurationBuilder().SetBasePath(directory)
            .AddJsonFile("appsettings.json")
            .AddJsonFile("appsettings.Development.json", optional: true)
            .AddJsonFile("appsettings.Production.json", optional: true)
            .AddInMemoryCollection(GoodProduction())
            .Build();

        Assert.Empty(Errors(ProductionGuard.Check(configuration), "secret-source"));
    }
}
