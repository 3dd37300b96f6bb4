using System.Net.Security;
using System.Security.Authentication;

namespace Convergio.Api.Edge;

/// <summary>
/// TLS 1.2 and 1.3 only. Inbound, on Kestrel's HTTPS endpoints (when it serves TLS itself, e.g.
/// with <c>Kestrel:Certificates:Default</c>), with TLS 1.2 limited to forward-secret AEAD suites.
/// Outbound, each client that really connects is pinned where it is built: PostgreSQL
/// (<see cref="Pin"/> in the Npgsql data source), Redis (its SslProtocols option), Sentry, Key Vault
/// and the OTLP exporter (<see cref="PinnedHandler"/>), SMTP (MailKit's SslProtocols). Certificate
/// validation is left to each client's default, which checks the chain and the host name.
/// </summary>
public static class TlsSetup
{
    public const SslProtocols Allowed = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>
    /// Mozilla's "intermediate" list: the three TLS 1.3 suites, and for TLS 1.2 only ECDHE key
    /// exchange with AES-GCM or ChaCha20-Poly1305 (no CBC, no static RSA, no DHE).
    /// </summary>
    public static readonly TlsCipherSuite[] CipherSuites =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    public static WebApplicationBuilder AddModernTls(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(https =>
        {
            https.SslProtocols = Allowed;
            // A cipher-suite policy is an OpenSSL feature: Linux, where the server runs.
            if (OperatingSystem.IsLinux())
            {
                var policy = new CipherSuitesPolicy(CipherSuites);
                https.OnAuthenticate = (_, ssl) => ssl.CipherSuitesPolicy = policy;
            }
        }));
        return builder;
    }

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

/// <summary>An HttpClient over <see cref="TlsSetup.PinnedHandler"/>, which keeps its handler readable so the pin can be checked.</summary>
public sealed class PinnedHttpClient(SocketsHttpHandler handler) : HttpClient(handler)
{
    public PinnedHttpClient() : this(TlsSetup.PinnedHandler())
    {
    }

    public SocketsHttpHandler Handler => handler;
}
