using StackExchange.Redis;

namespace Convergio.Api.Auth;

/// <summary>
/// Hears session invalidations from the other instances on <see cref="SessionInvalidation.Channel"/>
/// and decides whether the <see cref="SessionCache"/> may be trusted: it publishes a heartbeat of
/// its own every second and trusts the cache only for a few seconds after hearing one. When the
/// subscription drops (Redis down or unreachable) or goes quiet, the cache is emptied and every
/// request reads the database until the heartbeat is heard again. Without Redis it does nothing
/// (one instance: the cache is local and always trusted).
/// </summary>
internal sealed class SessionInvalidationListener(
    SessionCache cache,
    SessionInvalidation invalidation,
    TimeProvider time,
    ILogger<SessionInvalidationListener> logger,
    IConnectionMultiplexer? redis = null) : BackgroundService
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TrustWindow = TimeSpan.FromSeconds(3);
    private static readonly RedisChannel Channel = RedisChannel.Literal(SessionInvalidation.Channel);

    // Only this instance's heartbeat proves that its own subscription is alive.
    private readonly string _heartbeat = "heartbeat:" + Guid.NewGuid().ToString("N");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (redis is null)
        {
            return;
        }
        redis.ConnectionFailed += OnConnectionFailed;
        try
        {
            var subscriber = redis.GetSubscriber();
            var subscribed = false;
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (!subscribed)
                    {
                        await subscriber.SubscribeAsync(Channel, (_, message) => OnMessage(message));
                        subscribed = true;
                    }
                    await subscriber.PublishAsync(Channel, _heartbeat);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    logger.LogDebug(e, "Session invalidation channel unavailable; sessions are read from the database");
                }
                await Task.Delay(HeartbeatInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            redis.ConnectionFailed -= OnConnectionFailed;
        }
    }

    private void OnMessage(RedisValue message)
    {
        var text = (string?)message;
        if (text == _heartbeat)
        {
            var now = time.GetUtcNow().UtcDateTime;
            cache.TrustUntil(now, now + TrustWindow);
        }
        else if (text is not null)
        {
            invalidation.Apply(text);
        }
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            cache.Distrust();
            logger.LogWarning("Session invalidation channel lost ({FailureType}); sessions are read from the database until it is heard again", e.FailureType);
        }
    }
}
