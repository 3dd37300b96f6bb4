using System.Net.Security;
using System.Security.Authentication;

namespace Convergio.Api.Platform;

/// <summary>
/// TLS 1.2 and 1.3 only, outbound: each client that really connects is pinned where it is built:
/// PostgreSQL (<see cref="Pin"/> in the Npgsql data source), Redis (its SslProtocols option), Sentry,
/// Key Vault and the OTLP exporter (<see cref="PinnedHandler"/>), SMTP (MailKit's SslProtocols).
/// Certificate validation is left to each client's default, which checks the chain and the host name.
/// </summary>
public static class OutboundTls
{
    public const SslProtocols Allowed = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>Limits an outgoing TLS handshake (a client's authentication options) to TLS 1.2 and 1.3.</summary>
    public static void Pin(SslClientAuthenticationOptions options) => options.EnabledSslProtocols = Allowed;

    /// <summary>An HTTP handler whose TLS is limited to 1.2 and 1.3, for SDKs that take a handler.</summary>
    public static SocketsHttpHandler PinnedHandler()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        Pin(handler.SslOptions);
        return handler;
    }
}

/// <summary>An HttpClient over <see cref="OutboundTls.PinnedHandler"/>, which keeps its handler readable so the pin can be checked.</summary>
public sealed class PinnedHttpClient(SocketsHttpHandler handler) : HttpClient(handler)
{
    public PinnedHttpClient() : this(OutboundTls.PinnedHandler())
    {
    }

    public SocketsHttpHandler Handler => handler;
}
