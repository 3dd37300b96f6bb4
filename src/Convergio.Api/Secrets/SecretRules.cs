using Convergio.Api.Observability;

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
            var value = RingEntry.Parse(name, key.Value ?? "").Key;
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

/// <summary>
/// Encryption keys: at least one (<c>Encryption:Keys:0</c>, or the original deployment's
/// <c>API_KEY_ENCRYPTION_KEY</c>), each a valid Fernet key.
/// </summary>
internal sealed class EncryptionKeyRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var keys = configuration.GetSection(SecretKeys.EncryptionKeys).GetChildren()
            .Select(k => RingEntry.Parse($"{SecretKeys.EncryptionKeys}:{k.Key}", k.Value ?? ""))
            .ToList();
        var legacy = configuration[SecretKeys.LegacyEncryptionKey];
        if (!string.IsNullOrEmpty(legacy))
        {
            keys.Add(RingEntry.Parse(SecretKeys.LegacyEncryptionKey, legacy));
        }

        if (keys.Count == 0)
        {
            yield return new(GuardSeverity.Error, "encryption-keys", "Encryption:Keys:0 is not set; a Fernet key is required to store provider API keys.");
            yield break;
        }
        foreach (var (name, value, _) in keys)
        {
            if (!FernetKey.IsValid(value))
            {
                yield return new(GuardSeverity.Error, "encryption-keys", $"{name} is not a valid Fernet key (32 bytes, url-safe base64); generate one with `convergio keys generate`.");
            }
        }
        if (!configuration.GetSection(SecretKeys.EncryptionKeys).GetChildren().Any())
        {
            yield return new(GuardSeverity.Warning, "encryption-keys", $"Only {SecretKeys.LegacyEncryptionKey} is set; put a new key in Encryption:Keys:0 and run `convergio keys rotate` (docs/rotation.md).");
        }
    }
}

/// <summary>
/// Secret values come from the environment, a secret volume or Key Vault, never from the
/// appsettings*.json files that live in git: for every secret-bearing key, the guard asks
/// each configuration provider whether it holds a value.
/// </summary>
internal sealed class SecretSourceRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        if (configuration is not IConfigurationRoot root)
        {
            yield break;
        }
        var jsonFiles = root.Providers.OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider>()
            .Where(p => Path.GetFileName(p.Source.Path ?? "").StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            .ToList();
        foreach (var key in SecretKeyNames(configuration))
        {
            foreach (var file in jsonFiles)
            {
                if (file.TryGet(key, out var value) && IsSecretValue(key, value))
                {
                    yield return new(GuardSeverity.Error, "secret-source", $"{key} has a value in {file.Source.Path}; secrets come only from the environment, Secrets:Directory or Key Vault (docs/secrets.md).");
                }
            }
        }
    }

    /// <summary>Every configured key that holds a secret, wherever its value comes from.</summary>
    private static IEnumerable<string> SecretKeyNames(IConfiguration configuration) =>
        configuration.AsEnumerable()
            .Select(pair => pair.Key)
            .Where(IsSecretKey)
            .Distinct(StringComparer.OrdinalIgnoreCase);

    private static bool IsSecretKey(string key) =>
        SecretRings.Any(section => key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase))
        || SecretValues.Contains(key, StringComparer.OrdinalIgnoreCase)
        || key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase);

    // A connection string is a secret only when it carries a password.
    private static bool IsSecretValue(string key, string? value) =>
        !string.IsNullOrEmpty(value)
        && (!key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase)
            || value.Contains("password", StringComparison.OrdinalIgnoreCase)
            || value.Contains("pwd=", StringComparison.OrdinalIgnoreCase));

    /// <summary>Numbered sections whose every entry is a secret.</summary>
    private static readonly string[] SecretRings = [SecretKeys.SigningKeys, SecretKeys.EncryptionKeys, SecretKeys.StripeWebhookSecrets];

    /// <summary>
    /// Single keys that hold a secret. The server never reads <c>Stripe:ApiKey</c> (it only receives
    /// webhooks); the key is listed because a Stripe secret key in a committed file leaks whatever reads it.
    /// </summary>
    private static readonly string[] SecretValues =
        [SecretKeys.LegacyEncryptionKey, "Stripe:ApiKey", ErrorReporting.DsnKey, MetricsOptions.TokenKey, "Email:Smtp:Password"];
}
