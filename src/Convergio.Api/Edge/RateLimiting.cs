using System.Threading.RateLimiting;
using Convergio.Api.Auth;
using Convergio.Api.Observability;
using Microsoft.AspNetCore.RateLimiting;

namespace Convergio.Api.Edge;

/// <summary>
/// Layered rate limiting on ASP.NET Core's rate-limiter middleware. Endpoints name a policy with
/// <c>.RequireRateLimiting(RateLimitPolicies.X)</c>; an endpoint that names none (and any unknown
/// route) is counted under <see cref="RateLimitPolicies.General"/>.
/// </summary>
public static class RateLimiting
{
    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        builder.Services.AddSingleton<LayeredRateLimiter>();
        builder.Services.AddSingleton<AccountScopedRequests>();
        builder.Services.AddSingleton<EndpointRateLimiter>();

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) => new ValueTask(TooManyRequests.WriteAsync(context.HttpContext,
                context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1)));
            // The names resolve here so RequireRateLimiting(name) is checked by the middleware; the
            // decision itself is the global limiter's, because it needs what a per-partition
            // RateLimiter never sees: the request (identity, account body) and its response headers.
            foreach (var policy in new[] { RateLimitPolicies.Auth, RateLimitPolicies.General, RateLimitPolicies.Admin })
            {
                o.AddPolicy(policy, _ => RateLimitPartition.GetNoLimiter(policy));
            }
        });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<EndpointRateLimiter>((o, limiter) => o.GlobalLimiter = limiter);
        return builder;
    }

    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value.Enabled ? app.UseRateLimiter() : app;
}

/// <summary>
/// Counts each request in its endpoint's policy bucket and, for bodies naming an account, in that
/// account's bucket too; adds the rate-limit headers; rejects with the decision's wait.
/// </summary>
public sealed class EndpointRateLimiter(LayeredRateLimiter limiter, AccountScopedRequests accounts, IKnownDevices devices,
    Microsoft.Extensions.Options.IOptions<RateLimitOptions> options, SecurityMetrics metrics) : PartitionedRateLimiter<HttpContext>
{
    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    // Every decision may need Redis: answering "not yet" here sends the middleware to AcquireAsync.
    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) => DecisionLease.Pending;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext context, int permitCount, CancellationToken cancellationToken)
    {
        var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? RateLimitPolicies.General;
        // The admin budget is per user; a caller without a session is refused by authorization
        // anyway, so it is counted per address under the general policy instead of exhausting
        // one shared anonymous admin bucket and turning every 401 into a 429.
        if (policy == RateLimitPolicies.Admin && context.User.FindUserId() is null)
        {
            policy = RateLimitPolicies.General;
        }
        var headers = RateLimitHeaders.For(context);

        var verdict = await CountAsync(policy, RateLimitKeys.For(policy, context), headers, cancellationToken);
        if (verdict is not null)
        {
            return verdict;
        }
        if (await accounts.FindEmailAsync(context, cancellationToken) is { } email)
        {
            // A browser with a valid device cookie for the account has a bucket of its own, which
            // requests from anywhere else cannot empty. The account's buckets stay out of the
            // headers: their remaining count moves with other people's requests for that address.
            var key = devices.PresentedFor(context, Emails.Normalize(email)) is { } deviceId ? RateLimitKeys.Device(deviceId) : RateLimitKeys.Account(email);
            verdict = await CountAsync(RateLimitPolicies.Account, key, headers: null, cancellationToken);
        }
        return verdict ?? DecisionLease.Granted;
    }

    /// <summary>Null when allowed, else the rejecting lease; the decision goes into <paramref name="headers"/> when given.</summary>
    private async ValueTask<RateLimitLease?> CountAsync(string policy, string key, RateLimitHeaders? headers, CancellationToken cancellationToken)
    {
        var (decision, fallback) = await limiter.DecideAsync(policy, key, cancellationToken);
        headers?.Add(policy, options.Value.For(policy), decision);
        if (decision.Allowed)
        {
            return null;
        }
        metrics.RateLimitRejected(policy, fallback);
        return DecisionLease.Rejected(decision.Reset);
    }

    private sealed class DecisionLease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly DecisionLease Granted = new(true, null);
        public static readonly DecisionLease Pending = new(false, null);

        public static DecisionLease Rejected(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
