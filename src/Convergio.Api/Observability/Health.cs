using System.Text.Json;
using Convergio.Api.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Convergio.Api.Observability;

public static class Health
{
    private const string ReadyTag = "ready";
    public const string RedisFallback = "Rate limits are counted per instance until Redis is back.";
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>A platform probe: GET or HEAD of exactly one of the two health paths, by any host and over plain HTTP.</summary>
    public static bool IsProbe(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && (request.Path.Equals(LivePath, StringComparison.OrdinalIgnoreCase) || request.Path.Equals(ReadyPath, StringComparison.OrdinalIgnoreCase));

    public static WebApplicationBuilder AddHealth(this WebApplicationBuilder builder)
    {
        var checks = builder.Services.AddHealthChecks()
            .AddDbContextCheck<ConvergioDb>("database", tags: [ReadyTag]);
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ConnectionStringNames.Redis)))
        {
            checks.AddCheck<RedisHealthCheck>("redis", tags: [ReadyTag]);
        }
        return builder;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        // GET only: the public list names GET, and health checks would otherwise answer every method.
        var group = app.MapGroup("").AllowPublic().RequireRateLimiting(RateLimitPolicies.General)
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]));
        group.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteReport });
        group.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteReport });
        return app;
    }

    // Names the failing check and our own fixed description of a degradation, never an
    // exception: readiness is public.
    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
            degraded = report.Entries.Where(e => e.Value.Status == HealthStatus.Degraded)
                .ToDictionary(e => e.Key, e => e.Value.Description),
        }));
    }

    /// <summary>
    /// Redis down is Degraded, not Unhealthy: the limiter falls back in-process, and a short outage
    /// of the managed Redis must not take every replica out of rotation at once.
    /// </summary>
    private sealed class RedisHealthCheck(IConnectionMultiplexer redis, SecurityMetrics metrics) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var reachable = false;
            try
            {
                await redis.GetDatabase().PingAsync();
                reachable = true;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Reported below as the fallback.
            }
            metrics.RateLimitStoreReachable(reachable);
            return reachable ? HealthCheckResult.Healthy() : HealthCheckResult.Degraded(RedisFallback);
        }
    }
}
