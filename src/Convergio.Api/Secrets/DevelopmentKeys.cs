using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Convergio.Api.Secrets;

/// <summary>
/// Development only: generates the signing and encryption keys that are not configured,
/// once, into a git-ignored file under <c>data/</c>, so <c>dotnet run</c> needs no set-up
/// and restarts keep sessions and ciphertexts valid. Generated signing keys carry a prefix
/// the production guard rejects.
/// </summary>
public static class DevelopmentKeys
{
    public const string SigningKeyPrefix = "dev-only-";

    public static void EnsureGenerated(IConfigurationManager configuration, string path)
    {
        var needSigning = !configuration.GetSection(SecretKeys.SigningKeys).GetChildren().Any();
        var needEncryption = !configuration.GetSection(SecretKeys.EncryptionKeys).GetChildren().Any();
        if (!needSigning && !needEncryption)
        {
            return;
        }

        var stored = Load(path);
        var changed = false;
        if (!stored.ContainsKey($"{SecretKeys.SigningKeys}:0"))
        {
            stored[$"{SecretKeys.SigningKeys}:0"] = SigningKeyPrefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(48));
            changed = true;
        }
        if (!stored.ContainsKey($"{SecretKeys.EncryptionKeys}:0"))
        {
            stored[$"{SecretKeys.EncryptionKeys}:0"] = FernetKey.Generate();
            changed = true;
        }
        if (changed)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, JsonSerializer.Serialize(stored));
        }

        var defaults = new Dictionary<string, string?>();
        if (needSigning)
        {
            defaults[$"{SecretKeys.SigningKeys}:0"] = stored[$"{SecretKeys.SigningKeys}:0"];
        }
        if (needEncryption)
        {
            defaults[$"{SecretKeys.EncryptionKeys}:0"] = stored[$"{SecretKeys.EncryptionKeys}:0"];
        }
        configuration.AddInMemoryCollection(defaults);
    }

    private static Dictionary<string, string> Load(string path) =>
        File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []
            : [];
}
