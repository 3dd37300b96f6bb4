using System.Security.Cryptography;
using System.Text;

namespace Convergio.Api.Secrets;

/// <summary>
/// The Fernet keys of <c>Encryption:Keys</c>, like Python's MultiFernet: index 0 encrypts, every key
/// decrypts. The original deployment's single key, <c>API_KEY_ENCRYPTION_KEY</c>, is the last entry
/// when set, so its ciphertexts keep decrypting until <c>convergio keys rotate</c> has moved them.
/// Keys are read on each use so a reloaded configuration (Key Vault, secret volume) applies at once.
/// </summary>
public sealed class FernetKeyRing(IConfiguration configuration, TimeProvider time)
{
    /// <summary>Plaintext as UTF-8, encrypted under the primary key.</summary>
    public string Encrypt(string plaintext)
    {
        var bytes = Encoding.UTF8.GetBytes(plaintext);
        try
        {
            return Fernet.Encrypt(Primary(), bytes, time.GetUtcNow());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <exception cref="InvalidFernetTokenException">No key of the ring opens the token.</exception>
    public string Decrypt(string token)
    {
        var (plaintext, _, _) = Open(Keys(), token);
        try
        {
            return Encoding.UTF8.GetString(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>
    /// The token re-encrypted under the primary key with its original timestamp (as MultiFernet.rotate),
    /// or null when the primary key already opens it: tokens carry no key id, so trying the primary
    /// first is what makes a rotation resumable.
    /// </summary>
    /// <exception cref="InvalidFernetTokenException">No key of the ring opens the token.</exception>
    public string? Rotate(string token)
    {
        var keys = Keys();
        var (plaintext, keyIndex, timestamp) = Open(keys, token);
        try
        {
            return keyIndex == 0 ? null : Fernet.Encrypt(keys[0], plaintext, timestamp, RandomNumberGenerator.GetBytes(Fernet.IvLength));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Opens the token with the first key of the ring that can: the plaintext, that key's index and the token's timestamp.</summary>
    private (byte[] Plaintext, int KeyIndex, ulong Timestamp) Open(List<FernetKey> keys, string token)
    {
        var now = time.GetUtcNow();
        for (var i = 0; i < keys.Count; i++)
        {
            try
            {
                return (Fernet.Decrypt(keys[i], token, now, ttl: null, out var timestamp), i, timestamp);
            }
            catch (InvalidFernetTokenException)
            {
                // Made under another key of the ring, perhaps.
            }
        }
        throw new InvalidFernetTokenException();
    }

    private FernetKey Primary() => Keys() is [var primary, ..]
        ? primary
        : throw new InvalidOperationException($"No encryption key is configured ({SecretKeys.EncryptionKeys}:0); generate one with `convergio keys generate`.");

    /// <summary>The configured keys in ring order; an entry that is not a Fernet key is a configuration error.</summary>
    internal List<FernetKey> Keys()
    {
        return SecretKeys.EncryptionEntries(configuration)
            .Select((entry, index) => FernetKey.TryParse(entry.Key, out var key)
                ? key
                : throw new InvalidOperationException($"Encryption key {index} of the ring is not a Fernet key (32 bytes, url-safe base64)."))
            .ToList();
    }
}
