using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Convergio.Api.Data;

namespace Convergio.Api.Secrets;

public static class SecretsExtensions
{
    /// <summary>
    /// Adds the managed secret sources after appsettings and the environment (later wins):
    /// the key-per-file directory of a container secret volume, then Azure Key Vault.
    /// In Development, missing keys are generated once and kept under <c>data/</c>.
    /// </summary>
    public static WebApplicationBuilder AddSecrets(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddManagedSecrets(builder.Environment, DataRoot.Resolve());
        builder.Services.AddSingleton<SigningKeyRing>();
        builder.Services.AddSingleton<FernetKeyRing>();
        builder.Services.AddOptions<KeyRotationOptions>().BindConfiguration(KeyRotationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return builder;
    }

    /// <summary>Shared by the server and the CLI so both see the same configuration (Development keys under <paramref name="dataRoot"/>/data).</summary>
    public static IConfigurationManager AddManagedSecrets(this IConfigurationManager configuration, IHostEnvironment environment, string dataRoot)
    {
        var directory = configuration[SecretKeys.SecretsDirectory];
        if (!string.IsNullOrWhiteSpace(directory))
        {
            configuration.AddKeyPerFile(directory, optional: false, reloadOnChange: true);
        }

        var vault = configuration[SecretKeys.KeyVaultUri];
        if (!string.IsNullOrWhiteSpace(vault))
        {
            // Managed identity in Azure; developer credentials locally. See docs/secrets.md.
            var client = new SecretClient(new Uri(vault), new DefaultAzureCredential(), KeyVaultSecretStore.ClientOptions());
            configuration.Add(new SecretStoreConfigurationSource(new KeyVaultSecretStore(client), TimeSpan.FromMinutes(5)));
        }

        if (environment.IsDevelopment())
        {
            var path = Path.Combine(dataRoot, "data", "development-keys.json");
            DevelopmentKeys.EnsureGenerated(configuration, path);
        }

        return configuration;
    }
}

/// <summary>Configuration keys owned by the secrets feature.</summary>
public static class SecretKeys
{
    public const string SecretsDirectory = "Secrets:Directory";
    public const string KeyVaultUri = "KeyVault:Uri";
    public const string SigningKeys = "Security:SigningKeys";
    public const string EncryptionKeys = "Encryption:Keys";

    /// <summary>The original deployment's single Fernet key; read as the last entry of the encryption ring.</summary>
    public const string LegacyEncryptionKey = "API_KEY_ENCRYPTION_KEY";

    public const string StripeWebhookSecrets = "Stripe:WebhookSecrets";

    /// <summary>
    /// The keys of a numbered section (<c>Section:0</c>, <c>Section:1</c>, ...) in index order, any
    /// creation date stripped: a key ring whose first entry is the current one and the rest are still accepted.
    /// </summary>
    public static List<string> Ring(IConfiguration configuration, string section) =>
        Entries(configuration, section).Select(e => e.Key).ToList();

    /// <summary>The non-empty entries of a numbered section in index order, each with its configuration name and creation date.</summary>
    public static List<RingEntry> Entries(IConfiguration configuration, string section) =>
        configuration.GetSection(section).GetChildren()
            .OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue)
            .Where(c => !string.IsNullOrEmpty(c.Value))
            .Select(c => RingEntry.Parse(c.Path, c.Value!))
            .ToList();

    /// <summary>The encryption ring as the server uses it: <c>Encryption:Keys</c>, then the legacy key when it is not already there.</summary>
    public static List<RingEntry> EncryptionEntries(IConfiguration configuration)
    {
        var entries = Entries(configuration, EncryptionKeys);
        if (configuration[LegacyEncryptionKey] is { Length: > 0 } value
            && RingEntry.Parse(LegacyEncryptionKey, value) is var legacy
            && !entries.Any(e => e.Key == legacy.Key))
        {
            entries.Add(legacy);
        }
        return entries;
    }
}

/// <summary>
/// One key of a ring, written bare or as <c>yyyy-MM-dd:key</c> (the day it was created, which
/// <c>convergio keys generate</c> writes): the date is for rotation on schedule, never part of the key.
/// </summary>
public readonly record struct RingEntry(string Name, string Key, DateOnly? Created)
{
    public const string DateFormat = "yyyy-MM-dd";

    public static RingEntry Parse(string name, string value) =>
        value.Length > DateFormat.Length + 1 && value[DateFormat.Length] == ':'
        && DateOnly.TryParseExact(value.AsSpan(0, DateFormat.Length), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var created)
            ? new(name, value[(DateFormat.Length + 1)..], created)
            : new(name, value, null);

    /// <summary>How the entry is written in configuration: dated when it has a date.</summary>
    public static string Write(string key, DateOnly created) => $"{created.ToString(DateFormat, CultureInfo.InvariantCulture)}:{key}";

    /// <summary>The day (UTC) entries are dated and aged by.</summary>
    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>Whole days since it was created; null for a bare entry.</summary>
    public int? AgeDays(DateOnly today) => Created is { } created ? today.DayNumber - created.DayNumber : null;

    /// <summary>Names a key without revealing it: the first 8 bytes of its SHA-256, in hex.</summary>
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key)).AsSpan(0, 8));
}
