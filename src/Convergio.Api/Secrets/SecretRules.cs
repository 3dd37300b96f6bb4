namespace Convergio.Api.Secrets;

/// <summary>Signing keys: present, long, and not a placeholder or a Development key.</summary>
internal sealed class SigningKeyRule : IProductionRule
{
    public const int MinimumLength = 32;
    public const int RecommendedLength = 64;

    private static readonly string[] Placeholders =
        ["changeme", "change-me", "change_me", "secret", "password", "your-secret", "replace-me", "default", "todo", "example"];

    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var keys = configuration.GetSection(SecretKeys.SigningKeys).GetChildren().ToList();
        if (keys.Count == 0)
        {
            yield return new(GuardSeverity.Error, "signing-keys", "Security:SigningKeys:0 is not set; at least one signing key is required.");
            yield break;
        }

        foreach (var key in keys)
        {
            var name = $"{SecretKeys.SigningKeys}:{key.Key}";
            var value = key.Value ?? "";
            if (value.Length < MinimumLength)
            {
                yield return new(GuardSeverity.Error, "signing-keys", $"{name} is {value.Length} characters; at least {MinimumLength} are required ({RecommendedLength}+ recommended).");
            }
            else if (value.Length < RecommendedLength)
            {
                yield return new(GuardSeverity.Warning, "signing-keys", $"{name} is {value.Length} characters; {RecommendedLength}+ are recommended.");
            }

            if (IsPlaceholder(value))
            {
                yield return new(GuardSeverity.Error, "signing-keys", $"{name} is a known placeholder, a repeated character or a Development key; generate a random one.");
            }
        }
    }

    internal static bool IsPlaceholder(string value)
    {
        if (value.Length == 0)
        {
            return true;
        }
        if (value.StartsWith(DevelopmentKeys.SigningKeyPrefix, StringComparison.Ordinal) || value.Distinct().Count() <= 2)
        {
            return true;
        }
        var lowered = value.ToLowerInvariant();
        return Placeholders.Any(p => lowered.Replace(p, "", StringComparison.Ordinal).Distinct().Count() <= 2);
    }
}

/// <summary>Encryption keys: at least one, each a valid Fernet key.</summary>
internal sealed class EncryptionKeyRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var keys = configuration.GetSection(SecretKeys.EncryptionKeys).GetChildren().ToList();
        if (keys.Count == 0)
        {
            yield return new(GuardSeverity.Error, "encryption-keys", "Encryption:Keys:0 is not set; a Fernet key is required to store provider API keys.");
            yield break;
        }
        foreach (var key in keys)
        {
            if (!FernetKeyFormat.IsValid(key.Value))
            {
                yield return new(GuardSeverity.Error, "encryption-keys", $"{SecretKeys.EncryptionKeys}:{key.Key} is not a valid Fernet key (32 bytes, url-safe base64); generate one with `convergio keys generate`.");
            }
        }
    }
}

/// <summary>The shape of a Fernet key: 32 bytes in url-safe base64 with padding.</summary>
public static class FernetKeyFormat
{
    public static bool IsValid(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length != 44)
        {
            return false;
        }
        try
        {
            return Convert.FromBase64String(key.Replace('-', '+').Replace('_', '/')).Length == 32;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
