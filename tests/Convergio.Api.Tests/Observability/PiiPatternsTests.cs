using Convergio.Api.Observability;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Observability;

public sealed class PiiPatternsTests
{
    [Theory]
    [InlineData("mail jane.doe+billing@example.co.uk now", "mail [email] now")]
    [InlineData("from 203.0.113.7.", "from [ip].")]
    [InlineData("from 2001:db8::17 via ::1", "from [ip] via [ip]")]
    [InlineData("peer fe80::1%eth0 closed", "peer [ip] closed")]
    [InlineData("at 12:00:00 on 2026-11-29", "at 12:00:00 on 2026-11-29")]
    [InlineData("package 10.0.15 loaded", "package 10.0.15 loaded")]
    [InlineData("version 1.2.3.4.5 loaded", "version 1.2.3.4.5 loaded")]
    public void Mask_replaces_emails_and_ip_addresses_and_leaves_times_and_versions(string text, string expected) =>
        Assert.Equal(expected, PiiPatterns.Mask(text));

    [Fact]
    public void Mask_replaces_every_credential_shape()
    {
        var openAi = "sk-proj-" + TestKeys.SigningKey();
        var stripe = "sk_live_" + TestKeys.SigningKey().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        var webhook = "whsec_" + TestKeys.SigningKey();
        var fernet = PiiProbe.FernetToken();
        var bearer = "Bearer " + TestKeys.SigningKey();

        var masked = PiiPatterns.Mask($"keys {openAi}, {stripe}; {webhook} and {fernet} then {bearer}");

        Assert.Equal("keys [secret], [secret]; [secret] and [secret] then [secret]", masked);
    }

    [Theory]
    [InlineData("Authorization")]
    [InlineData("Cookie")]
    [InlineData("Set-Cookie")]
    [InlineData("X-CSRF-Token")]
    [InlineData("access_token")]
    [InlineData("client_secret")]
    [InlineData("newPassword")]
    [InlineData("X-Api-Key")]
    [InlineData("session_id")]
    [InlineData("Stripe-Signature")]
    public void Credential_names_are_sensitive(string name) => Assert.True(PiiPatterns.IsSensitiveName(name));

    [Theory]
    [InlineData("Accept")]
    [InlineData("Content-Type")]
    [InlineData("page")]
    [InlineData("User-Agent")]
    public void Ordinary_names_are_not_sensitive(string name) => Assert.False(PiiPatterns.IsSensitiveName(name));

    [Fact]
    public void Query_strings_lose_credential_values_and_mask_the_rest()
    {
        var token = TestKeys.SigningKey();

        var masked = PiiPatterns.MaskQueryString($"?page=2&access_token={token}&contact=jane%40example.com&flag");

        Assert.Equal("?page=2&access_token=[Filtered]&contact=[email]&flag", masked);
    }

    [Fact]
    public void Urls_keep_their_path_with_pii_masked_and_filter_the_query()
    {
        var masked = PiiPatterns.MaskUrl("https://api.convergio.io/users/jane@example.com/keys?api_key=abc&page=1");

        Assert.Equal("https://api.convergio.io/users/[email]/keys?api_key=[Filtered]&page=1", masked);
    }
}
