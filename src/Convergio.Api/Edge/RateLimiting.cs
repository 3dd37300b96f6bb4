using System.Security.Claims;
using System.Threading.RateLimiting;

namespace Convergio.Api.Edge;

public sealed class RateLimitPolicyOptions
{
    public int PermitLimit { get; set; }
    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// In-process sliding-window policies, configured by <c>RateLimiting:{Auth,General,Admin}</c>.
/// </summary>
public static class RateLimiting
{
    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        var auth = Options(builder.Configuration, "Auth", 5);
        var general = Options(builder.Configuration, "General", 100);
        var admin = Options(builder.Configuration, "Admin", 10);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicies.Auth, c => Window(c.Connection.RemoteIpAddress?.ToString() ?? "unknown", auth));
            o.AddPolicy(RateLimitPolicies.General, c => Window(c.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? c.Connection.RemoteIpAddress?.ToString() ?? "unknown", general));
            o.AddPolicy(RateLimitPolicies.Admin, c => Window(c.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous", admin));
        });
        return builder;
    }

    private static RateLimitPolicyOptions Options(IConfiguration configuration, string name, int defaultLimit)
    {
        var options = configuration.GetSection($"RateLimiting:{name}").Get<RateLimitPolicyOptions>() ?? new();
        options.PermitLimit = options.PermitLimit > 0 ? options.PermitLimit : defaultLimit;
        return options;
    }

    private static RateLimitPartition<string> Window(string key, RateLimitPolicyOptions options) =>
        RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = options.PermitLimit,
            Window = TimeSpan.FromSeconds(options.WindowSeconds),
            SegmentsPerWindow = 6,
        });
}
