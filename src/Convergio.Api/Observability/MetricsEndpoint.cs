using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Convergio.Api.Secrets;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Convergio.Api.Observability;

public sealed class MetricsOptions
{
    public const string Section = "Observability";
    public const string TokenKey = "Observability:MetricsToken";
    public const int MinimumTokenLength = 32;

    /// <summary>A port of its own for <c>/metrics</c>: the scrape endpoint answers only on connections to it.</summary>
    [Range(1, 65535)]
    public int? MetricsPort { get; set; }

    /// <summary>A bearer token (from the secret store) Prometheus must present; compared in constant time.</summary>
    public string? MetricsToken { get; set; }

    /// <summary>The address the metrics listener binds to; by default the host of the server's first URL.</summary>
    public string? MetricsAddress { get; set; }

    public bool Exposed => MetricsPort is not null || !string.IsNullOrEmpty(MetricsToken);

    /// <summary>Requests on the metrics port that the HTTPS redirect leaves alone: the scrape and the probes.</summary>
    public bool IsPlaintextAllowed(HttpContext context) =>
        MetricsPort is int port && context.Connection.LocalPort == port
        && (context.Request.Path.Equals(MetricsEndpoint.Path, StringComparison.OrdinalIgnoreCase)
            || context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// <c>GET /metrics</c> (Prometheus text format) is not public: it is mapped only when a metrics port
/// or a metrics token is configured, and the <see cref="Policy"/> then demands the connection arrived
/// on that port (checked on the socket, not the spoofable Host header) and/or the bearer token.
/// With both set, both are required.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";
    public const string Policy = "metrics-scrape";

    internal static void AddMetricsEndpoint(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>()
            .BindConfiguration(MetricsOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IAuthorizationHandler, MetricsScrapeHandler>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddRequirements(new MetricsScrapeRequirement()));

        if (builder.Configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>()?.MetricsPort is int port)
        {
            ListenOnMetricsPort(builder, port);
        }
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Exposed)
        {
            return app;
        }

        var endpoint = app.MapPrometheusScrapingEndpoint(Path)
            .RequireAuthorization(Policy)
            .RequireRateLimiting(RateLimitPolicies.General);
        if (options.MetricsPort is int port)
        {
            // Routing ignores /metrics on the public port (404); the policy is what enforces it.
            endpoint.RequireHost($"*:{port}");
        }
        return app;
    }

    /// <summary>
    /// Adds the metrics port to the addresses the server already listens on (from <c>urls</c>,
    /// <c>http_ports</c>/<c>https_ports</c> or Kestrel's default), on <see cref="ListenerHost"/>.
    /// </summary>
    private static void ListenOnMetricsPort(WebApplicationBuilder builder, int port)
    {
        var configuration = builder.Configuration;
        var url = $"http://{ListenerHost(configuration)}:{port}";
        if (configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            // Explicit Kestrel endpoints replace the urls setting, so the port joins them instead.
            configuration.AddInMemoryCollection([new("Kestrel:Endpoints:Metrics:Url", url)]);
            return;
        }
        builder.WebHost.UseUrls([.. ServerUrls(configuration), url]);
    }

    /// <summary>Where the plaintext metrics listener binds: <c>Observability:MetricsAddress</c>, else the host of the first server URL.</summary>
    internal static string ListenerHost(IConfiguration configuration)
    {
        if (configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>()?.MetricsAddress is { Length: > 0 } address)
        {
            return address.Contains(':', StringComparison.Ordinal) && !address.StartsWith('[') ? $"[{address}]" : address;
        }
        var kestrelEndpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().ToList();
        return HostOf(kestrelEndpoints.Count > 0 ? kestrelEndpoints[0]["Url"] : ServerUrls(configuration)[0]);
    }

    private static List<string> ServerUrls(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (urls.Count == 0)
        {
            urls.AddRange(Ports(configuration["http_ports"]).Select(p => $"http://*:{p}"));
            urls.AddRange(Ports(configuration["https_ports"]).Select(p => $"https://*:{p}"));
        }
        if (urls.Count == 0)
        {
            urls.Add("http://localhost:5000");
        }
        return urls;
    }

    private static IEnumerable<string> Ports(string? value) =>
        (value ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string HostOf(string? url)
    {
        var afterScheme = url?.Split("://", 2) is [_, var rest] ? rest : "localhost";
        var end = afterScheme.StartsWith('[') ? afterScheme.IndexOf(']', StringComparison.Ordinal) + 1 : afterScheme.IndexOfAny([':', '/']);
        return end <= 0 ? afterScheme : afterScheme[..end];
    }

    private sealed class MetricsScrapeRequirement : IAuthorizationRequirement;

    private sealed class MetricsScrapeHandler(IOptionsMonitor<MetricsOptions> options) : AuthorizationHandler<MetricsScrapeRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MetricsScrapeRequirement requirement)
        {
            var current = options.CurrentValue;
            if (context.Resource is HttpContext http && current.Exposed
                && (current.MetricsPort is not int port || http.Connection.LocalPort == port)
                && (string.IsNullOrEmpty(current.MetricsToken) || BearerMatches(http, current.MetricsToken)))
            {
                context.Succeed(requirement);
            }
            return Task.CompletedTask;
        }

        private static bool BearerMatches(HttpContext http, string token)
        {
            var header = http.Request.Headers[HeaderNames.Authorization].ToString();
            const string scheme = "Bearer ";
            if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            // Hashing first gives equal lengths, so the comparison time says nothing about the token.
            return CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim())),
                SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        }
    }
}

/// <summary>
/// The metrics port is plaintext, so in Production it may listen only on a loopback or private
/// address, and the scrape needs the bearer token as well: never an open plaintext listener
/// on a public (or every) address. Scraping through the public HTTPS port needs only the token.
/// </summary>
internal sealed class MetricsListenerRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var options = configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>();
        if (options?.MetricsPort is null)
        {
            yield break;
        }
        var host = MetricsEndpoint.ListenerHost(configuration);
        if (!IsLoopbackOrPrivate(host))
        {
            yield return new(GuardSeverity.Error, "metrics-listener",
                $"The plaintext metrics port {options.MetricsPort} would listen on '{host}'; set Observability:MetricsAddress to a loopback or private address, or scrape /metrics through the HTTPS port with the token only.");
        }
        if (string.IsNullOrEmpty(options.MetricsToken))
        {
            yield return new(GuardSeverity.Error, "metrics-listener", $"Observability:MetricsPort needs {MetricsOptions.TokenKey} as well in Production.");
        }
    }

    internal static bool IsLoopbackOrPrivate(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (!System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) || address.Equals(System.Net.IPAddress.Any) || address.Equals(System.Net.IPAddress.IPv6Any))
        {
            return false;
        }
        if (System.Net.IPAddress.IsLoopback(address) || address.IsIPv6UniqueLocal)
        {
            return true;
        }
        var bytes = address.MapToIPv4().GetAddressBytes();
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            && (bytes[0] == 10 || (bytes[0] == 172 && (bytes[1] & 0xF0) == 16) || (bytes[0] == 192 && bytes[1] == 168));
    }
}

/// <summary>A metrics token is a secret like any other: long enough not to be guessed.</summary>
internal sealed class MetricsTokenRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var token = configuration[MetricsOptions.TokenKey];
        if (!string.IsNullOrEmpty(token) && (token.Length < MetricsOptions.MinimumTokenLength || SigningKeyRule.IsPlaceholder(token)))
        {
            yield return new(GuardSeverity.Error, "metrics-token",
                $"{MetricsOptions.TokenKey} must be a random value of at least {MetricsOptions.MinimumTokenLength} characters.");
        }
    }
}
