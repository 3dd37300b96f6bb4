using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Convergio.Api.Secrets;

/// <summary>
/// Any failure to open a Fernet token: malformed, truncated, tampered, signed by another key,
/// too far in the future or expired. Deliberately one type with one message, so callers and
/// attackers learn nothing about which check failed.
/// </summary>
public sealed class InvalidFernetTokenException() : Exception("The token is invalid.");

/// <summary>
/// A Fernet key: 32 bytes in url-safe base64 with padding, the first half signing (HMAC-SHA256),
/// the second half encrypting (AES-128-CBC). Same format as Python's <c>cryptography</c>.
/// </summary>
public sealed class FernetKey
{
    private const int Length = 32;
    private const int EncodedLength = 44;

    private FernetKey(byte[] bytes)
    {
        SigningKey = bytes[..16];
        EncryptionKey = bytes[16..];
    }

    internal byte[] SigningKey { get; }
    internal byte[] EncryptionKey { get; }

    /// <summary>A new random key, encoded for configuration.</summary>
    public static string Generate() => PaddedBase64Url.Encode(RandomNumberGenerator.GetBytes(Length));

    public static bool IsValid(string? encoded) => TryParse(encoded, out _);

    public static bool TryParse(string? encoded, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FernetKey? key)
    {
        key = null;
        if (encoded is null || encoded.Length != EncodedLength || PaddedBase64Url.Decode(encoded) is not { Length: Length } bytes)
        {
            return false;
        }
        key = new FernetKey(bytes);
        return true;
    }

    public static FernetKey Parse(string encoded) =>
        TryParse(encoded, out var key) ? key : throw new FormatException("Not a Fernet key: 32 bytes in url-safe base64 are expected.");
}

/// <summary>
/// The Fernet token format (spec: version 0x80 | timestamp | IV | AES-128-CBC ciphertext | HMAC-SHA256,
/// url-safe base64), so ciphertexts written by the original Python deployment keep decrypting.
/// Hand-written on System.Security.Cryptography because no maintained Fernet package exists for .NET;
/// the specification's test vectors pin it down (tests/Convergio.Api.Tests/Secrets/FernetVectors).
/// </summary>
public static class Fernet
{
    private const byte Version = 0x80;
    private const int TimestampLength = 8;
    internal const int IvLength = 16;
    private const int BlockLength = 16;
    private const int MacLength = 32;
    private const int HeaderLength = 1 + TimestampLength + IvLength;

    /// <summary>How far ahead of our clock a token's timestamp may be, as in Python's implementation.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(60);

    public static string Encrypt(FernetKey key, ReadOnlySpan<byte> plaintext, DateTimeOffset now) =>
        Encrypt(key, plaintext, (ulong)now.ToUnixTimeSeconds(), RandomNumberGenerator.GetBytes(IvLength));

    /// <summary>With a given timestamp and IV: for re-encryption that keeps the original time, and for the spec's vectors.</summary>
    internal static string Encrypt(FernetKey key, ReadOnlySpan<byte> plaintext, ulong timestamp, ReadOnlySpan<byte> iv)
    {
        using var aes = Aes.Create();
        aes.Key = key.EncryptionKey;
        var ciphertext = aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);

        var token = new byte[HeaderLength + ciphertext.Length + MacLength];
        token[0] = Version;
        BinaryPrimitives.WriteUInt64BigEndian(token.AsSpan(1, TimestampLength), timestamp);
        iv.CopyTo(token.AsSpan(1 + TimestampLength, IvLength));
        ciphertext.CopyTo(token.AsSpan(HeaderLength));
        HMACSHA256.HashData(key.SigningKey, token.AsSpan(0, token.Length - MacLength), token.AsSpan(token.Length - MacLength));
        return PaddedBase64Url.Encode(token);
    }

    /// <summary>
    /// Opens <paramref name="token"/>: the HMAC is checked in constant time before anything is
    /// decrypted; then the timestamp (not more than <see cref="MaxClockSkew"/> ahead, and within
    /// <paramref name="ttl"/> when one is given).
    /// </summary>
    /// <exception cref="InvalidFernetTokenException">For every kind of bad token.</exception>
    public static byte[] Decrypt(FernetKey key, string token, DateTimeOffset now, TimeSpan? ttl = null) =>
        Decrypt(key, token, now, ttl, out _);

    internal static byte[] Decrypt(FernetKey key, string token, DateTimeOffset now, TimeSpan? ttl, out ulong timestamp)
    {
        var data = PaddedBase64Url.Decode(token);
        if (data is null
            || data.Length < HeaderLength + BlockLength + MacLength
            || (data.Length - HeaderLength - MacLength) % BlockLength != 0
            || data[0] != Version)
        {
            throw new InvalidFernetTokenException();
        }

        Span<byte> mac = stackalloc byte[MacLength];
        HMACSHA256.HashData(key.SigningKey, data.AsSpan(0, data.Length - MacLength), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, data.AsSpan(data.Length - MacLength)))
        {
            throw new InvalidFernetTokenException();
        }

        timestamp = BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(1, TimestampLength));
        var current = now.ToUnixTimeSeconds();
        if (timestamp > (ulong)(current + (long)MaxClockSkew.TotalSeconds))
        {
            throw new InvalidFernetTokenException();
        }
        if (ttl is { } limit && (long)timestamp + (long)limit.TotalSeconds < current)
        {
            throw new InvalidFernetTokenException();
        }

        try
        {
            using var aes = Aes.Create();
            aes.Key = key.EncryptionKey;
            return aes.DecryptCbc(
                data.AsSpan(HeaderLength, data.Length - HeaderLength - MacLength),
                data.AsSpan(1 + TimestampLength, IvLength),
                PaddingMode.PKCS7);
        }
        catch (CryptographicException)
        {
            throw new InvalidFernetTokenException();
        }
    }
}

/// <summary>Url-safe base64 with padding, strictly: Python emits and expects exactly this form.</summary>
internal static class PaddedBase64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');

    /// <summary>The bytes, or null for anything that is not canonical padded url-safe base64.</summary>
    public static byte[]? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length % 4 != 0)
        {
            return null;
        }
        foreach (var c in text)
        {
            // Convert.FromBase64String would also skip whitespace and accept '+' and '/'.
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '='))
            {
                return null;
            }
        }
        var buffer = new byte[text.Length / 4 * 3];
        return Convert.TryFromBase64String(text.Replace('-', '+').Replace('_', '/'), buffer, out var written)
            ? buffer[..written]
            : null;
    }
}
