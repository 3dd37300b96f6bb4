using System.Net.Security;

namespace Convergio.Api.Edge;

/// <summary>
/// TLS 1.2 and 1.3 only. Inbound, on Kestrel's HTTPS endpoints (when it serves TLS itself, e.g.
/// with <c>Kestrel:Certificates:Default</c>), with TLS 1.2 limited to forward-secret AEAD suites.
/// Outbound connections are pinned by <see cref="OutboundTls"/>.
/// </summary>
public static class TlsSetup
{
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
            https.SslProtocols = OutboundTls.Allowed;
            // A cipher-suite policy is an OpenSSL feature: Linux, where the server runs.
            if (OperatingSystem.IsLinux())
            {
                var policy = new CipherSuitesPolicy(CipherSuites);
                https.OnAuthenticate = (_, ssl) => ssl.CipherSuitesPolicy = policy;
            }
        }));
        return builder;
    }
}
