using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Convergio.Api.Secrets;

/// <summary>
/// HMAC-SHA256 over <c>Security:SigningKeys</c>: index 0 signs, every key verifies, so a new
/// key can be put in front and the old one removed later without invalidating anything.
/// Keys are read on each use so a reloaded configuration takes effect at once.
/// </summary>
public sealed class SigningKeyRing(IConfiguration configuration)
{
    public string Sign(string purpose, string value)
    {
        var keys = Keys();
        if (keys.Count == 0)
        {
            throw new InvalidOperationException("No signing key is configured (Security:SigningKeys:0).");
        }
        return WebEncoders.Base64UrlEncode(Mac(keys[0], purpose, value));
    }

    public bool Verify(string purpose, string value, string signature)
    {
        byte[] expected;
        try
        {
            expected = WebEncoders.Base64UrlDecode(signature);
        }
        catch (FormatException)
        {
            return false;
        }
        var valid = false;
        foreach (var key in Keys())
        {
            // Check every key so the time taken does not say which one matched.
            valid |= CryptographicOperations.FixedTimeEquals(Mac(key, purpose, value), expected);
        }
        return valid;
    }

    private List<byte[]> Keys() => SecretKeys.Ring(configuration, SecretKeys.SigningKeys).Select(Encoding.UTF8.GetBytes).ToList();

    // The purpose is part of the MAC so a signature made for one use is worthless in another.
    private static byte[] Mac(byte[] key, string purpose, string value) =>
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{purpose}\n{value}"));
}
