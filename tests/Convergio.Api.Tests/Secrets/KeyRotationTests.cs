using System.Text;
using Convergio.Api.Billing;
using Convergio.Api.Hosting;
using Convergio.Api.Platform;
using Convergio.Api.Secrets;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Convergio.Api.Tests.Secrets;

/// <summary>Rotation on schedule: ring entries written <c>yyyy-MM-dd:key</c>, and the warning for an overdue active key.</summary>
public sealed class KeyRotationTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private static IConfiguration Settings(params (string Key, string? Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    private List<GuardFinding> Rotation(IConfiguration configuration) => new KeyRotationRule(_time).Check(configuration).ToList();

    [Fact]
    public void A_dated_entry_parses_into_its_key_and_creation_day()
    {
        var entry = RingEntry.Parse("Security:SigningKeys:0", "2026-09-02:abc-DEF_123");

        Assert.Equal("abc-DEF_123", entry.Key);
        Assert.Equal(new DateOnly(2026, 9, 2), entry.Created);
        Assert.Equal(90, entry.AgeDays(new DateOnly(2026, 12, 1)));
    }

    [Theory]
    [InlineData("abc-DEF_123")]
    [InlineData("2026-13-01:abc")]
    [InlineData("2026-09-02:")]
    [InlineData("20260902:abc")]
    public void An_entry_without_a_valid_date_prefix_is_a_bare_key_kept_whole(string value)
    {
        var entry = RingEntry.Parse("Security:SigningKeys:0", value);

        Assert.Equal(value, entry.Key);
        Assert.Null(entry.Created);
        Assert.Null(entry.AgeDays(new DateOnly(2026, 12, 1)));
    }

    [Fact]
    public void Every_ring_read_strips_the_date()
    {
        var secret = TestKeys.StripeWebhookSecret();

        Assert.Equal([secret], SecretKeys.Ring(Settings(("Stripe:WebhookSecrets:0", "2026-11-01:" + secret)), SecretKeys.StripeWebhookSecrets));
    }

    [Fact]
    public void A_dated_signing_key_signs_and_verifies_exactly_like_the_bare_key()
    {
        var key = TestKeys.SigningKey();
        var dated = new SigningKeyRing(Settings(("Security:SigningKeys:0", "2026-11-01:" + key)));
        var bare = new SigningKeyRing(Settings(("Security:SigningKeys:0", key)));

        var signature = dated.Sign("csrf", "value");

        Assert.Equal(bare.Sign("csrf", "value"), signature);
        Assert.True(bare.Verify("csrf", "value", signature));
        Assert.True(dated.Verify("csrf", "value", bare.Sign("csrf", "value")));
    }

    [Fact]
    public void A_dated_fernet_key_encrypts_and_decrypts_exactly_like_the_bare_key()
    {
        var key = TestKeys.FernetKey();
        var dated = new FernetKeyRing(Settings(("Encryption:Keys:0", "2026-11-01:" + key)), _time);
        var bare = new FernetKeyRing(Settings(("Encryption:Keys:0", key)), _time);

        Assert.Equal("from-dated", bare.Decrypt(dated.Encrypt("from-dated")));
        Assert.Equal("from-bare", dated.Decrypt(bare.Encrypt("from-bare")));
        Assert.Equal("raw", Encoding.UTF8.GetString(Fernet.Decrypt(FernetKey.Parse(key), dated.Encrypt("raw"), _time.GetUtcNow())));
    }

    [Fact]
    public void Dated_keys_pass_the_production_rules_that_check_their_form()
    {
        var configuration = Settings(
            ("Security:SigningKeys:0", "2026-11-01:" + TestKeys.SigningKey() + TestKeys.SigningKey()),
            ("Encryption:Keys:0", "2026-11-01:" + TestKeys.FernetKey()),
            ("API_KEY_ENCRYPTION_KEY", "2025-01-01:" + TestKeys.FernetKey()),
            ("Stripe:WebhookSecrets:0", "2026-11-01:" + TestKeys.StripeWebhookSecret()));

        Assert.Empty(new SigningKeyRule().Check(configuration));
        Assert.Empty(new EncryptionKeyRule().Check(configuration));
        Assert.Empty(new StripeWebhookSecretRule().Check(configuration));
    }

    [Fact]
    public void An_active_signing_key_older_than_90_days_is_a_warning_naming_the_schedule_setting()
    {
        var finding = Assert.Single(Rotation(Settings(("Security:SigningKeys:0", "2026-09-01:" + TestKeys.SigningKey()))));

        Assert.Equal(GuardSeverity.Warning, finding.Severity);
        Assert.Equal(KeyRotationRule.Rule, finding.Rule);
        Assert.Contains("Security:SigningKeys:0 was created 91 days ago", finding.Message, StringComparison.Ordinal);
        Assert.Contains("Security:Rotation:SigningKeysDays", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_active_key_within_its_schedule_has_no_finding()
    {
        Assert.Empty(Rotation(Settings(
            ("Security:SigningKeys:0", "2026-09-02:" + TestKeys.SigningKey()),
            ("Encryption:Keys:0", "2025-12-01:" + TestKeys.FernetKey()))));
    }

    [Fact]
    public void The_clock_moving_past_the_schedule_turns_the_same_key_overdue()
    {
        var configuration = Settings(("Encryption:Keys:0", "2026-12-01:" + TestKeys.FernetKey()));
        Assert.Empty(Rotation(configuration));

        _time.Advance(TimeSpan.FromDays(366));

        Assert.Contains(Rotation(configuration), f => f.Message.Contains("Encryption:Keys:0 was created 366 days ago", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_the_active_key_is_judged_an_older_one_behind_it_is_expected()
    {
        Assert.Empty(Rotation(Settings(
            ("Security:SigningKeys:0", "2026-11-30:" + TestKeys.SigningKey()),
            ("Security:SigningKeys:1", "2020-01-01:" + TestKeys.SigningKey()))));
    }

    [Theory]
    [InlineData("Security:SigningKeys:0")]
    [InlineData("Encryption:Keys:0")]
    [InlineData("API_KEY_ENCRYPTION_KEY")]
    [InlineData("Stripe:WebhookSecrets:0")]
    public void An_active_key_without_a_date_is_a_warning(string name)
    {
        var finding = Assert.Single(Rotation(Settings((name, "bare-key-value"))));

        Assert.Equal(GuardSeverity.Warning, finding.Severity);
        Assert.Contains($"{name} has no creation date", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_schedule_is_configurable_per_ring()
    {
        var key = "2026-06-01:" + TestKeys.SigningKey();

        Assert.NotEmpty(Rotation(Settings(("Security:SigningKeys:0", key))));
        Assert.Empty(Rotation(Settings(("Security:SigningKeys:0", key), ("Security:Rotation:SigningKeysDays", "200"))));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("ninety")]
    public void A_schedule_that_is_not_a_positive_number_of_days_is_an_error(string days)
    {
        var finding = Assert.Single(Rotation(Settings(("Security:Rotation:EncryptionKeysDays", days))));

        Assert.Equal(GuardSeverity.Error, finding.Severity);
        Assert.Contains(KeyRotationOptions.Section, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_production_guard_reports_an_overdue_key_on_the_clock_it_is_given()
    {
        var configuration = Settings(("Security:SigningKeys:0", "2026-12-01:" + TestKeys.SigningKey()));
        _time.Advance(TimeSpan.FromDays(91));

        Assert.Contains(ProductionGuard.Check(configuration, _time), f => f.Rule == KeyRotationRule.Rule && f.Message.Contains("91 days ago", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_server_refuses_to_start_with_a_schedule_out_of_range()
    {
        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(new Dictionary<string, string?> { ["Security:Rotation:SigningKeysDays"] = "0" }, "Development");

        Assert.Equal(1, exitCode);
        Assert.Contains("SigningKeysDays", output, StringComparison.Ordinal);
    }
}
