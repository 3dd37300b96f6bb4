using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;

namespace Convergio.Api.Secrets;

/// <summary>A managed store of named secrets (Azure Key Vault in production, a fake in tests).</summary>
public interface ISecretStore
{
    IAsyncEnumerable<KeyValuePair<string, string>> ReadAllAsync(CancellationToken cancellationToken);
}

internal sealed class KeyVaultSecretStore(SecretClient client) : ISecretStore
{
    /// <summary>The vault's transport: TLS 1.2+ like every outbound connection.</summary>
    public static SecretClientOptions ClientOptions() => new() { Transport = new PinnedTransport(OutboundTls.PinnedHandler()) };

    public async IAsyncEnumerable<KeyValuePair<string, string>> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var properties in client.GetPropertiesOfSecretsAsync(cancellationToken))
        {
            if (properties.Enabled != true)
            {
                continue;
            }
            var secret = await client.GetSecretAsync(properties.Name, cancellationToken: cancellationToken);
            yield return new(properties.Name, secret.Value.Value);
        }
    }
}

/// <summary>
/// Configuration from an <see cref="ISecretStore"/>. Secret names cannot hold ':', so
/// <c>Security--SigningKeys--0</c> becomes <c>Security:SigningKeys:0</c>. Reloads on an
/// interval so a rotated secret is picked up without a restart.
/// </summary>
public sealed class SecretStoreConfigurationSource(ISecretStore store, TimeSpan? reloadInterval) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new SecretStoreConfigurationProvider(store, reloadInterval);
}

internal sealed class SecretStoreConfigurationProvider(ISecretStore store, TimeSpan? reloadInterval) : ConfigurationProvider, IDisposable
{
    private Timer? _timer;

    public override void Load()
    {
        LoadAsync(CancellationToken.None).GetAwaiter().GetResult();
        if (reloadInterval is { } interval && _timer is null)
        {
            _timer = new Timer(_ => Reload(), null, interval, interval);
        }
    }

    public static string MapName(string secretName) => secretName.Replace("--", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        await foreach (var (name, value) in store.ReadAllAsync(cancellationToken))
        {
            data[MapName(name)] = value;
        }
        Data = data;
    }

    private void Reload()
    {
        try
        {
            LoadAsync(CancellationToken.None).GetAwaiter().GetResult();
            OnReload();
        }
        catch (Exception)
        {
            // Keep serving the last good values; the next interval tries again.
        }
    }

    public void Dispose() => _timer?.Dispose();
}

/// <summary>The Azure SDK transport over a pinned handler, kept readable so the pin can be checked.</summary>
internal sealed class PinnedTransport(SocketsHttpHandler handler) : HttpClientTransport(handler)
{
    public SocketsHttpHandler Handler => handler;
}
