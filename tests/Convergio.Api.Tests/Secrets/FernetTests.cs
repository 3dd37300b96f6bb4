using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Convergio.Api.Secrets;

namespace Convergio.Api.Tests.Secrets;

public sealed class FernetTests
{
    private sealed record Vector(string Token, DateTimeOffset Now, string Secret, string? Src, int[]? Iv, int? Ttl_sec, string? Desc);

    private static readonly JsonSerializerOptions VectorJson = new() { PropertyNameCaseInsensitive = true };

    private static List<Vector> Vectors(string file) =>
        JsonSerializer.Deserialize<List<Vector>>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Secrets", "FernetVectors", file)), VectorJson)!;

    public static TheoryData<string> InvalidVectorNames() => new(Vectors("invalid.json").Select(v => v.Desc!));

    [Fact]
    public void Generate_vectors_are_reproduced_byte_for_byte()
    {
        var vectors = Vectors("generate.json");
        Assert.NotEmpty(vectors);
        foreach (var v in vectors)
        {
            var iv = v.Iv!.Select(b => (byte)b).ToArray();
            var token = Fernet.Encrypt(FernetKey.Parse(v.Secret), Encoding.UTF8.GetBytes(v.Src!), (ulong)v.Now.ToUnixTimeSeconds(), iv);
            Assert.Equal(v.Token, token);
        }
    }

    [Fact]
    public void Verify_vectors_decrypt_to_their_source_within_their_ttl()
    {
        var vectors = Vectors("verify.json");
        Assert.NotEmpty(vectors);
        foreach (var v in vectors)
        {
            var plaintext = Fernet.Decrypt(FernetKey.Parse(v.Secret), v.Token, v.Now, TimeSpan.FromSeconds(v.Ttl_sec!.Value));
            Assert.Equal(v.Src, Encoding.UTF8.GetString(plaintext));
        }
    }

    [Theory]
    [MemberData(nameof(InvalidVectorNames))]
    public void Invalid_vectors_are_rejected_with_the_one_exception(string description)
    {
        var v = Vectors("invalid.json").Single(x => x.Desc == description);

        var error = Assert.Throws<InvalidFernetTokenException>(() =>
            Fernet.Decrypt(FernetKey.Parse(v.Secret), v.Token, v.Now, TimeSpan.FromSeconds(v.Ttl_sec!.Value)));
        Assert.Equal("The token is invalid.", error.Message);
    }

    [Fact]
    public void A_token_round_trips_and_is_different_each_time()
    {
        var key = FernetKey.Parse(FernetKey.Generate());
        var now = DateTimeOffset.UtcNow;

        var first = Fernet.Encrypt(key, "sensitive"u8, now);
        var second = Fernet.Encrypt(key, "sensitive"u8, now);

        Assert.NotEqual(first, second);
        Assert.Equal("sensitive", Encoding.UTF8.GetString(Fernet.Decrypt(key, first, now)));
        Assert.Equal("sensitive", Encoding.UTF8.GetString(Fernet.Decrypt(key, second, now)));
    }

    [Fact]
    public void An_empty_plaintext_round_trips_as_one_padding_block()
    {
        var key = FernetKey.Parse(FernetKey.Generate());
        var now = DateTimeOffset.UtcNow;

        var token = Fernet.Encrypt(key, [], now);

        Assert.Equal(1 + 8 + 16 + 16 + 32, Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/')).Length);
        Assert.Empty(Fernet.Decrypt(key, token, now));
    }

    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly FernetKey SharedKey = FernetKey.Parse(FernetKey.Generate());

    public static TheoryData<string, string> MalformedTokens()
    {
        // One block of plaintext: 73 bytes, so the base64 text ends in "==".
        var token = Fernet.Encrypt(SharedKey, "hello world"u8, Now);
        var bytes = Decode(token);
        return new TheoryData<string, string>
        {
            { "empty", "" },
            { "blank", " " },
            { "version byte only", "gA==" },
            { "padding missing", token.TrimEnd('=') },
            { "cut inside the base64", token[..^4] },
            { "trailing garbage", token + "AAAA" },
            { "whitespace inside", token.Insert(10, " ") },
            { "newline inside", token.Insert(10, "\n") },
            { "standard alphabet '+'", token[..20] + "+" + token[21..] },
            { "standard alphabet '/'", token[..20] + "/" + token[21..] },
            { "non-ASCII", "é" + token[1..] },
            { "one byte short", Encode(bytes[..^1]) },
            { "HMAC missing", Encode(bytes[..^32]) },
            { "no ciphertext", Encode([.. bytes[..25], .. bytes[^32..]]) },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedTokens))]
    public void Malformed_or_truncated_tokens_are_rejected(string description, string token)
    {
        var rejection = Record.Exception(() => Fernet.Decrypt(SharedKey, token, Now));

        Assert.True(rejection is InvalidFernetTokenException, $"{description}: {rejection?.GetType().Name ?? "accepted"}");
    }

    [Theory]
    [InlineData(0)]            // version byte
    [InlineData(5)]            // timestamp
    [InlineData(12)]           // IV
    [InlineData(30)]           // ciphertext
    [InlineData(-1)]           // last byte of the HMAC
    public void Flipping_any_bit_is_detected(int index)
    {
        var key = FernetKey.Parse(FernetKey.Generate());
        var bytes = Decode(Fernet.Encrypt(key, "hello world"u8, Now));
        bytes[index < 0 ? bytes.Length + index : index] ^= 0x01;

        Assert.Throws<InvalidFernetTokenException>(() => Fernet.Decrypt(key, Encode(bytes), Now));
    }

    [Fact]
    public void A_token_of_another_key_is_rejected()
    {
        var token = Fernet.Encrypt(FernetKey.Parse(FernetKey.Generate()), "hello"u8, Now);

        Assert.Throws<InvalidFernetTokenException>(() => Fernet.Decrypt(SharedKey, token, Now));
    }

    [Fact]
    public void A_correctly_signed_token_with_another_version_byte_is_rejected()
    {
        var bytes = Decode(Fernet.Encrypt(SharedKey, "hello"u8, Now));
        bytes[0] = 0x81;
        Resign(SharedKey, bytes);

        Assert.Throws<InvalidFernetTokenException>(() => Fernet.Decrypt(SharedKey, Encode(bytes), Now));
    }

    [Fact]
    public void A_correctly_signed_token_from_the_far_future_is_rejected_even_without_ttl()
    {
        var bytes = Decode(Fernet.Encrypt(SharedKey, "hello"u8, Now));
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(1, 8), ulong.MaxValue);
        Resign(SharedKey, bytes);

        Assert.Throws<InvalidFernetTokenException>(() => Fernet.Decrypt(SharedKey, Encode(bytes), Now));
    }

    [Fact]
    public void Clock_skew_of_up_to_60_seconds_is_tolerated_and_no_more()
    {
        var token = Fernet.Encrypt(SharedKey, "hello"u8, Now);

        Assert.Equal("hello"u8.ToArray(), Fernet.Decrypt(SharedKey, token, Now.AddSeconds(-60)));
        Assert.Throws<InvalidFernetTokenException>(() => Fernet.Decrypt(SharedKey, token, Now.AddSeconds(-61)));
    }

    [Fact]
    public void A_ttl_expires_the_token_after_that_many_seconds()
    {
        var token = Fernet.Encrypt(SharedKey, "hello"u8, Now);

        Assert.Equal("hello"u8.ToArray(), Fernet.Decrypt(SharedKey, token, Now.AddSeconds(60), TimeSpan.FromSeconds(60)));
        Assert.Throws<InvalidFernetTokenException>(() => Fernet.Decrypt(SharedKey, token, Now.AddSeconds(61), TimeSpan.FromSeconds(60)));
        Assert.Equal("hello"u8.ToArray(), Fernet.Decrypt(SharedKey, token, Now.AddYears(5)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("too-short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]     // 43 characters
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!")]    // not base64
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 36 bytes
    public void Keys_that_are_not_32_bytes_of_url_safe_base64_are_refused(string key)
    {
        Assert.False(FernetKey.IsValid(key));
        Assert.Throws<FormatException>(() => FernetKey.Parse(key));
    }

    [Fact]
    public void Generated_keys_are_valid_and_distinct()
    {
        var first = FernetKey.Generate();

        Assert.True(FernetKey.IsValid(first));
        Assert.NotEqual(first, FernetKey.Generate());
    }

    private static byte[] Decode(string token) => Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/'));

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');

    private static void Resign(FernetKey key, byte[] token) =>
        HMACSHA256.HashData(key.SigningKey, token.AsSpan(0, token.Length - 32), token.AsSpan(token.Length - 32));
}
