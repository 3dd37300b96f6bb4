using Convergio.Api.Auth;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Auth;

public sealed class PasswordPolicyTests
{
    private const string Email = "alex@example.test";

    [Fact]
    public void A_random_password_of_any_composition_is_accepted()
    {
        Assert.Null(PasswordPolicy.Check("correct horse battery staple zebra", Email));
        Assert.Null(PasswordPolicy.Check("ümlaut-ß-日本語-パス", Email));
        Assert.Null(PasswordPolicy.Check(TestKeys.Password(), Email));
    }

    [Fact]
    public void Seven_characters_are_too_short_and_eight_are_enough()
    {
        Assert.Contains("at least 8", PasswordPolicy.Check("qz7!kx3", Email), StringComparison.Ordinal);
        Assert.Null(PasswordPolicy.Check("qz7!kx3w", Email));
    }

    [Fact]
    public void One_hundred_twenty_eight_characters_are_accepted_and_more_are_refused_not_truncated()
    {
        var random = TestKeys.Password();
        var max = string.Concat(Enumerable.Repeat(random, 10))[..128];

        Assert.Null(PasswordPolicy.Check(max, Email));
        Assert.Contains("at most 128", PasswordPolicy.Check(max + "x", Email), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("Password1")]
    [InlineData("iloveyou")]
    [InlineData("12345678")]
    [InlineData("qwertyuiop")]
    public void A_common_password_is_refused_whatever_its_case(string password)
    {
        Assert.Contains("too common", PasswordPolicy.Check(password, Email), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alex@example.test")]
    [InlineData("ALEX@Example.Test")]
    [InlineData(" alex@example.test ")]
    public void The_email_itself_is_refused(string password)
    {
        Assert.Contains("email", PasswordPolicy.Check(password, Email), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_password_names_the_length_rule()
    {
        Assert.Contains("at least 8", PasswordPolicy.Check(null, Email), StringComparison.Ordinal);
    }
}
