using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Convergio.Api.Hosting;

/// <summary>
/// One start-up line an operator can act on: where the server listens and whether it terminates
/// TLS itself (an https Kestrel endpoint) or relies on a proxy in front (docs/production-https.md).
/// </summary>
internal sealed class ListeningLog(IServer server, IHostApplicationLifetime lifetime, IConfiguration configuration, ILogger<ListeningLog> logger) : IHostedService
{
    internal const string TerminatedHere = "TLS is terminated here (Kestrel certificate)";
    internal const string TerminatedByProxy = "TLS is not terminated here: the proxy in front terminates it and forwards X-Forwarded-Proto";
    internal const string NotTerminated = "TLS is not terminated here and no proxy is trusted (ForwardedHeaders:KnownProxies/KnownNetworks): requests are treated as plain HTTP";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Log);
        return Task.CompletedTask;
    }

    private void Log()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var proxies = configuration.GetSection("ForwardedHeaders").GetChildren().SelectMany(c => c.GetChildren()).Any();
        var tls = addresses.Any(a => a.StartsWith(Uri.UriSchemeHttps + "://", StringComparison.OrdinalIgnoreCase))
            ? TerminatedHere
            : proxies ? TerminatedByProxy : NotTerminated;
        logger.LogInformation("Listening on {Addresses}; {Tls}", string.Join(", ", addresses), tls);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class ListeningLogExtensions
{
    public static WebApplicationBuilder AddListeningLog(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<ListeningLog>();
        return builder;
    }
}
