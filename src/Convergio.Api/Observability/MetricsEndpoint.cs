using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Convergio.Api.Edge;
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

    public bool Exposed => MetricsPort is not null || !string.IsNullOrEmpty(MetricsToken);
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
    /// <c>http_ports</c>/<c>https_ports</c> or Kestrel's default), on the same host as the first of them.
    /// </summary>
    private static void ListenOnMetricsPort(WebApplicationBuilder builder, int port)
    {
        var configuration = builder.Configuration;
        var kestrelEndpoints = configuration.GetSection("Kestrel:Endpoints");
        if (kestrelEndpoints.GetChildren().Any())
        {
            // Explicit Kestrel endpoints replace the urls setting, so the port joins them instead.
            var host = HostOf(kestrelEndpoints.GetChildren().First()["Url"]);
            configuration.AddInMemoryCollection([new("Kestrel:Endpoints:Metrics:Url", $"http://{host}:{port}")]);
            return;
        }

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
        builder.WebHost.UseUrls([.. urls, $"http://{HostOf(urls[0])}:{port}"]);
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
