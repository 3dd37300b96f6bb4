using System.Security.Authentication;

namespace Convergio.Api.Edge;

/// <summary>
/// TLS 1.2 and 1.3 only: on Kestrel's HTTPS endpoints (when it serves TLS itself, e.g. with
/// <c>Kestrel:Certificates:Default</c>) and on every outgoing HttpClient made through
/// IHttpClientFactory (Stripe, Sentry, mail, AI providers).
/// </summary>
public static class TlsSetup
{
    public const SslProtocols Allowed = SslProtocols.Tls12 | SslProtocols.Tls13;

    public static WebApplicationBuilder AddModernTls(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(https => https.SslProtocols = Allowed));
        builder.Services.ConfigureHttpClientDefaults(client => client.ConfigurePrimaryHttpMessageHandler((handler, _) => Restrict(handler)));
        return builder;
    }

    /// <summary>Limits the primary handler of a client, whichever of the two standard handlers it is.</summary>
    private static void Restrict(HttpMessageHandler handler)
    {
        switch (handler)
        {
            case SocketsHttpHandler sockets:
                sockets.SslOptions.EnabledSslProtocols = Allowed;
                break;
            case HttpClientHandler classic:
                classic.SslProtocols = Allowed;
                break;
        }
    }
}
