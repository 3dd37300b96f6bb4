using System.Net;
using System.Text.Json;
using Convergio.Api.Auth;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Tests.Auth;

public sealed class PasswordRulesTests
{
    [Theory]
    [InlineData("short1", "at least 8")]
    [InlineData("password", "too common")]
    [InlineData("iloveyou", "too common")]
    [InlineData("Password1", "too common")]
    public void Weak_passwords_are_refused_with_the_rule_that_failed(string password, string expected)
    {
        Assert.Contains(expected, PasswordPolicy.Check(password, "someone@example.test"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_over_128_characters_is_refused_not_truncated()
    {
        Assert.Contains("at most 128", PasswordPolicy.Check(new string('x', 60) + TestKeys.Password() + new string('y', 60), "a@example.test"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_equal_to_the_email_is_refused()
    {
        Assert.Contains("email", PasswordPolicy.Check("Someone.Long@Example.test", "someone.long@example.test"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("ünïcødé-pässwörd-42")]
    [InlineData("abcdefgh-no-rules-needed")]
    public void Long_passphrases_without_composition_rules_are_accepted(string password) =>
        Assert.Null(PasswordPolicy.Check(password, "someone@example.test"));

    [Fact]
    public async Task Register_with_a_common_password_is_400_saying_so()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);

        var response = await browser.PostJsonAsync("/api/v1/auth/register", new { email = TestUsers.NewEmail(), password = "qwertyuiop" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Contains("common", problem.GetProperty("errors").GetProperty("password")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hashes_verify_and_differ_per_salt()
    {
        using var hasher = new Argon2idPasswordHasher(Options.Create(new AuthOptions()));
        var password = TestKeys.Password();

        var first = await hasher.HashAsync(password);
        var second = await hasher.HashAsync(password);

        Assert.NotEqual(first, second);
        Assert.Equal(PasswordVerification.Succeeded, await hasher.VerifyAsync(password, first));
        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(password + "x", first));
    }

    [Fact]
    public async Task A_hash_with_weaker_parameters_verifies_and_asks_for_a_rehash()
    {
        var password = TestKeys.Password();
        using var weak = new Argon2idPasswordHasher(Options.Create(new AuthOptions { Password = new() { MemoryKiB = 19456, Iterations = 2 } }));
        using var stronger = new Argon2idPasswordHasher(Options.Create(new AuthOptions { Password = new() { MemoryKiB = 19456, Iterations = 3 } }));

        var weakHash = await weak.HashAsync(password);

        Assert.Equal(PasswordVerification.SucceededRehashNeeded, await stronger.VerifyAsync(password, weakHash));
        Assert.Equal(PasswordVerification.Succeeded, await stronger.VerifyAsync(password, await stronger.HashAsync(password)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$not base64$xx")]
    [InlineData("plaintext-password")]
    public async Task Malformed_stored_hashes_fail_verification(string phc)
    {
        using var hasher = new Argon2idPasswordHasher(Options.Create(new AuthOptions()));

        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync("anything", phc));
    }
}
