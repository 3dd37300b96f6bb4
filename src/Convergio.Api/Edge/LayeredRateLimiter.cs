using Convergio.Api.Observability;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Convergio.Api.Edge;

/// <summary>A decision and whether the in-process fallback took it because Redis could not.</summary>
public readonly record struct LayeredDecision(RateLimitDecision Decision, bool Fallback);

/// <summary>
/// Decides one request against one bucket, in layers: the optional per-instance burst layer
/// (<c>FEATURE_RATE_LIMIT=true</c>), then the primary store: Redis when configured, else this
/// process. When Redis is down or slower than the timeout, this decision is taken in-process
/// instead (counted, warned about at most once a minute) and the next one tries Redis again, so
/// recovery needs nothing. The limiter never turns a Redis failure into an error response.
/// </summary>
public sealed class LayeredRateLimiter
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    private readonly RateLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly SecurityMetrics _metrics;
    private readonly ILogger<LayeredRateLimiter> _logger;
    private readonly InProcessSlidingWindowStore? _burstLayer;
    private readonly RedisSlidingWindowStore? _redis;
    private readonly InProcessSlidingWindowStore _inProcess = new();
    private readonly TimeSpan _redisTimeout;
    private long _nextWarningTicks;

    public LayeredRateLimiter(IOptions<RateLimitOptions> options, IConfiguration configuration, TimeProvider time, SecurityMetrics metrics,
        ILogger<LayeredRateLimiter> logger, IConnectionMultiplexer? redis = null)
    {
        _options = options.Value;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _redis = redis is null ? null : new RedisSlidingWindowStore(redis);
        // Without Redis the primary store is already this process's window: a burst layer would count everything twice to the same effect.
        _burstLayer = _redis is not null && configuration.GetValue<bool>(RateLimitOptions.FeatureFlag) ? new InProcessSlidingWindowStore() : null;
        _redisTimeout = TimeSpan.FromMilliseconds(_options.RedisTimeoutMilliseconds);
    }

    public async ValueTask<LayeredDecision> DecideAsync(string policy, string key, CancellationToken cancellationToken)
    {
        var budget = _options.For(policy);
        var now = _time.GetUtcNow();
        if (_burstLayer is not null)
        {
            var local = await _burstLayer.TakeAsync(key, budget.PermitLimit, budget.Window, now, cancellationToken);
            if (!local.Allowed)
            {
                return new(local, Fallback: false);
            }
        }
        if (_redis is null)
        {
            return new(await _inProcess.TakeAsync(key, budget.PermitLimit, budget.Window, now, cancellationToken), Fallback: false);
        }

        Exception? failure = null;
        if (_redis.IsConnected)
        {
            try
            {
                // The timeout runs on the real clock on purpose: it bounds latency, not a window.
                var decision = await _redis.TakeAsync(_options.RedisKeyPrefix + key, budget.PermitLimit, budget.Window, now, cancellationToken)
                    .AsTask().WaitAsync(_redisTimeout, cancellationToken);
                _metrics.RateLimitStoreReachable(true);
                return new(decision, Fallback: false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = e;
            }
        }
        _metrics.RateLimitFallback(policy);
        WarnAtMostOncePerMinute(failure);
        return new(await _inProcess.TakeAsync(key, budget.PermitLimit, budget.Window, now, cancellationToken), Fallback: true);
    }

    /// <summary>
    /// Empties one bucket in every layer (a password reset lifts the account's). Best effort: with
    /// Redis unreachable the shared bucket keeps its count and simply runs out with its window.
    /// </summary>
    public async ValueTask ResetAsync(string key, CancellationToken cancellationToken)
    {
        if (_burstLayer is not null)
        {
            await _burstLayer.ResetAsync(key, cancellationToken);
        }
        await _inProcess.ResetAsync(key, cancellationToken);
        if (_redis is { IsConnected: true })
        {
            try
            {
                await _redis.ResetAsync(_options.RedisKeyPrefix + key, cancellationToken).AsTask().WaitAsync(_redisTimeout, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                WarnAtMostOncePerMinute(e);
            }
        }
    }

    private void WarnAtMostOncePerMinute(Exception? failure)
    {
        var now = _time.GetUtcNow().UtcTicks;
        var next = Interlocked.Read(ref _nextWarningTicks);
        if (now < next || Interlocked.CompareExchange(ref _nextWarningTicks, now + WarningInterval.Ticks, next) != next)
        {
            return;
        }
        if (failure is null)
        {
            _logger.LogWarning("Redis is not connected; rate limits are enforced per instance until it is back.");
        }
        else
        {
            _logger.LogWarning(failure, "Redis did not answer a rate-limit decision within {TimeoutMs} ms; this decision was taken per instance.", _redisTimeout.TotalMilliseconds);
        }
    }
}
