using System.IO.Hashing;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Convergio.Api.Auth.Tokens;

namespace Convergio.Api.Tests.Auth.Tokens;

/// <summary>The token's shape: what secret scanners and the authentication handler recognise.</summary>
public sealed partial class ApiTokenFormatTests
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    [Fact]
    public void A_token_is_the_prefix_43_base62_characters_and_a_6_character_checksum()
    {
        var token = ApiTokenFormat.New();

        Assert.Matches(Shape(), token);
    }

    [Fact]
    public void The_checksum_is_the_crc32_of_the_secret_in_base62()
    {
        var token = ApiTokenFormat.New();
        var secret = token.Substring(4, 43);

        var checksum = token[^6..].Aggregate(BigInteger.Zero, (value, c) => value * 62 + Alphabet.IndexOf(c, StringComparison.Ordinal));

        Assert.Equal(Crc32.HashToUInt32(Encoding.ASCII.GetBytes(secret)), (uint)checksum);
    }

    [Fact]
    public void The_secret_carries_256_random_bits()
    {
        var secrets = Enumerable.Range(0, 200).Select(_ => ApiTokenFormat.New().Substring(4, 43)
            .Aggregate(BigInteger.Zero, (value, c) => value * 62 + Alphabet.IndexOf(c, StringComparison.Ordinal))).ToList();

        Assert.All(secrets, s => Assert.True(s < BigInteger.One << 256));
        // Some secret uses the top bits: the 32 bytes are all encoded, not a shorter number.
        Assert.Contains(secrets, s => s >= BigInteger.One << 255);
        Assert.Equal(secrets.Count, secrets.Distinct().Count());
    }

    [Fact]
    public void A_generated_token_is_well_formed()
    {
        Assert.True(ApiTokenFormat.IsWellFormed(ApiTokenFormat.New()));
    }

    [Fact]
    public void A_token_with_one_secret_character_changed_fails_the_checksum()
    {
        var token = ApiTokenFormat.New();
        var changed = token[..10] + (token[10] == 'x' ? 'y' : 'x') + token[11..];

        Assert.False(ApiTokenFormat.IsWellFormed(changed));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ghp_")]
    [InlineData("cvg_short")]
    public void Look_alikes_are_not_well_formed(string token)
    {
        Assert.False(ApiTokenFormat.IsWellFormed(token));
    }

    [Fact]
    public void Another_prefix_is_not_well_formed()
    {
        Assert.False(ApiTokenFormat.IsWellFormed("ghp_" + ApiTokenFormat.New()[4..]));
    }

    [Fact]
    public void A_non_base62_character_is_not_well_formed_even_with_a_matching_checksum()
    {
        var secret = ApiTokenFormat.New().Substring(4, 43);
        var withDash = secret[..20] + "-" + secret[21..];

        Assert.False(ApiTokenFormat.IsWellFormed(ApiTokenFormat.Prefix + withDash + ApiTokenFormat.Checksum(withDash)));
    }

    [Fact]
    public void The_stored_hash_is_the_sha256_of_the_whole_token()
    {
        var token = ApiTokenFormat.New();

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), ApiTokenFormat.Hash(token));
    }

    [GeneratedRegex("^cvg_[0-9A-Za-z]{43}[0-9A-Za-z]{6}$")]
    private static partial Regex Shape();
}
