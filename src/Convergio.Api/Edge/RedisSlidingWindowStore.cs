using System.Globalization;
using StackExchange.Redis;

namespace Convergio.Api.Edge;

/// <summary>
/// The sliding-window log in Redis, shared by every instance: one sorted set per key
/// (score = request time in ms), trimmed, counted and appended by one Lua script, so each
/// decision is atomic and costs one round trip.
/// </summary>
public sealed class RedisSlidingWindowStore(IConnectionMultiplexer redis) : ISlidingWindowStore
{
    private const string Script = """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local limit = tonumber(ARGV[3])
        redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
        local count = redis.call('ZCARD', key)
        local allowed = 0
        if count < limit then
          redis.call('ZADD', key, now, ARGV[4])
          count = count + 1
          allowed = 1
        end
        redis.call('PEXPIRE', key, window)
        local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
        return { allowed, limit - count, tonumber(oldest[2]) + window - now }
        """;

    /// <summary>False while the connection is down: the caller falls back at once instead of queueing behind a reconnect.</summary>
    public bool IsConnected => redis.IsConnected;

    public async ValueTask<RateLimitDecision> TakeAsync(string key, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            Script,
            [key],
            [
                now.ToUnixTimeMilliseconds(),
                (long)window.TotalMilliseconds,
                limit,
                // Unique member, so two requests in the same millisecond both count.
                Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture),
            ]))!;
        return new RateLimitDecision((int)result[0] == 1, (int)result[1], TimeSpan.FromMilliseconds((long)result[2]));
    }

    public async ValueTask ResetAsync(string key, CancellationToken cancellationToken) =>
        await redis.GetDatabase().KeyDeleteAsync(key);
}
