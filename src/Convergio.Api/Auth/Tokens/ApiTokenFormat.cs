using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Convergio.Api.Auth.Tokens;

/// <summary>
/// The shape of an API token, modelled on GitHub's: <c>cvg_</c>, 32 random bytes in base62 (43
/// characters), then the CRC32 of those characters in base62 (6 characters). The prefix lets secret
/// scanners find leaked tokens; the checksum lets them (and <see cref="IsWellFormed"/>) tell a real
/// one from a look-alike without asking the database. Only the SHA-256 of the whole token is stored.
/// </summary>
public static class ApiTokenFormat
{
    public const string Prefix = "cvg_";
    public const int SecretBytes = 32;
    public const int SecretLength = 43;
    public const int ChecksumLength = 6;
    public const int Length = 4 + SecretLength + ChecksumLength;

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly SearchValues<char> Base62Characters = SearchValues.Create(Alphabet);

    public static string New()
    {
        var secret = Base62(new BigInteger(RandomNumberGenerator.GetBytes(SecretBytes), isUnsigned: true, isBigEndian: true), SecretLength);
        return Prefix + secret + Checksum(secret);
    }

    /// <summary>The prefix, the length, only base62 characters and a matching checksum.</summary>
    public static bool IsWellFormed(string token) =>
        token.Length == Length
        && token.StartsWith(Prefix, StringComparison.Ordinal)
        && token.AsSpan(Prefix.Length).IndexOfAnyExcept(Base62Characters) < 0
        && token.AsSpan(Prefix.Length + SecretLength).SequenceEqual(Checksum(token.Substring(Prefix.Length, SecretLength)));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The CRC32 of the secret's characters, base62, fixed width.</summary>
    public static string Checksum(string secret)
    {
        Span<byte> crc = stackalloc byte[4];
        Crc32.Hash(Encoding.ASCII.GetBytes(secret), crc);
        return Base62(BinaryPrimitives.ReadUInt32LittleEndian(crc), ChecksumLength);
    }

    private static string Base62(BigInteger value, int width)
    {
        var chars = new char[width];
        for (var i = width - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
        return new string(chars);
    }
}
