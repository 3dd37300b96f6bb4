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
    /// The non-empty values of a numbered section (<c>Section:0</c>, <c>Section:1</c>, ...) in index
    /// order: a key ring whose first entry is the current one and the rest are still accepted.
    /// </summary>
    public static List<string> Ring(IConfiguration configuration, string section) =>
        configuration.GetSection(section).GetChildren()
            .OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue)
            .Select(c => c.Value)
            .Where(v => !string.IsNullOrEmpty(v))
            .Select(v => v!)
            .ToList();
}
