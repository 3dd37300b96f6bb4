using System.Threading.RateLimiting;
using System.Security.Claims;

namespace Convergio.Api.Edge;

/// <summary>
/// Interim in-process policies so endpoints can name them; replaced by the layered
/// Redis-backed limiter (issue: Edge protections).
/// </summary>
public static class RateLimiting
{
    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicies.Auth, c => Window(c.Connection.RemoteIpAddress?.ToString() ?? "unknown", 5));
            o.AddPolicy(RateLimitPolicies.General, c => Window(c.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? c.Connection.RemoteIpAddress?.ToString() ?? "unknown", 100));
            o.AddPolicy(RateLimitPolicies.Admin, c => Window(c.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous", 10));
        });
        return builder;
    }

    private static RateLimitPartition<string> Window(string key, int permits) =>
        RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            SegmentsPerWindow = 6,
        });
}
