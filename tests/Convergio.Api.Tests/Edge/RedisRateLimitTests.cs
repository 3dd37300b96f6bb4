using System.Net;
using Convergio.Api.Edge;
using Convergio.Api.Observability;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using StackExchange.Redis;

namespace Convergio.Api.Tests.Edge;

public sealed class RedisRateLimitTests
{
    private const int Limit = 4;

    /// <summary>
    /// An API instance on <paramref name="redis"/>. The Redis timeout is generous unless a test is
    /// about it: on a loaded CI machine 50 ms can pass without Redis being at fault.
    /// </summary>
    private static ConvergioFactory Instance(string redis, string prefix, bool burstLayer = false, int redisTimeoutMs = 2000) =>
        new ConvergioFactory(Db.Sqlite, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis,
            ["RateLimiting:RedisTimeoutMilliseconds"] = redisTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimiting:RedisKeyPrefix"] = prefix,
            ["RateLimiting:General:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [RateLimitOptions.FeatureFlag] = burstLayer ? "true" : "false",
        })
        .WithPeerAddresses()
        .WithServices(s => s.AddLogging(b => b.AddFakeLogging()));

    private static string NewPrefix() => $"test:{Guid.NewGuid():N}:";

    /// <summary>Sends <paramref name="count"/> requests from one client, alternating between the instances; the statuses in order.</summary>
    private static async Task<List<HttpStatusCode>> AlternateAsync(HttpClient[] clients, string peer, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            statuses.Add((await clients[i % clients.Length].GetFromAsync("/health/live", peer)).StatusCode);
        }
        return statuses;
    }

    private static MetricCollector<long> Fallbacks(ConvergioFactory factory) =>
        new(factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), SecurityMetrics.MeterName, "convergio.ratelimit.redis_fallbacks");

    private static async Task WaitUntilConnectedAsync(ConvergioFactory factory)
    {
        var redis = factory.Services.GetRequiredService<IConnectionMultiplexer>();
        for (var attempt = 0; attempt < 600 && !redis.IsConnected; attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.True(redis.IsConnected, "The API did not reconnect to Redis.");
    }

    [Fact]
    public async Task Two_instances_sharing_one_Redis_accept_exactly_the_limit_between_them()
    {
        var redis = TestServices.RequireRedis();
        var prefix = NewPrefix();
        await using var first = Instance(redis, prefix);
        await using var second = Instance(redis, prefix);
        using var a = first.CreateClient();
        using var b = second.CreateClient();

        var statuses = await AlternateAsync([a, b], "198.51.100.20", 10);

        Assert.Equal(Limit, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(10 - Limit, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Stopping_Redis_gives_no_5xx_and_limits_hold_in_process_and_restarting_it_restores_the_shared_limit()
    {
        await using var server = await RedisServer.StartAsync();
        var prefix = NewPrefix();
        await using var first = Instance(server.ConnectionString, prefix);
        await using var second = Instance(server.ConnectionString, prefix);
        using var a = first.CreateClient();
        using var b = second.CreateClient();
        using var fallbacks = Fallbacks(first);

        Assert.Equal(Limit, (await AlternateAsync([a, b], "198.51.100.30", Limit + 2)).Count(s => s == HttpStatusCode.OK));
        Assert.Equal(0, fallbacks.GetMeasurementSnapshot().EvaluateAsCounter());

        await server.StopAsync();
        var duringOutage = await AlternateAsync([a], "198.51.100.31", Limit + 3);

        Assert.DoesNotContain(duringOutage, s => (int)s >= 500);
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, Limit).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)), duringOutage);
        Assert.Equal(Limit + 3, fallbacks.GetMeasurementSnapshot().EvaluateAsCounter());
        // One warning for the outage, not one per request.
        Assert.Single(first.Services.GetFakeLogCollector().GetSnapshot(),
            r => r.Level == LogLevel.Warning && r.Category == typeof(LayeredRateLimiter).FullName);

        await server.RestartAsync();
        await WaitUntilConnectedAsync(first);
        await WaitUntilConnectedAsync(second);
        var afterRecovery = await AlternateAsync([a, b], "198.51.100.32", 10);

        Assert.Equal(Limit, afterRecovery.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(Limit + 3, fallbacks.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task A_Redis_slower_than_the_timeout_is_bypassed_for_that_decision()
    {
        await using var server = await RedisServer.StartAsync();
        await using var factory = Instance(server.ConnectionString, NewPrefix(), redisTimeoutMs: 50);
        using var client = factory.CreateClient();
        using var fallbacks = Fallbacks(factory);
        Assert.Equal(HttpStatusCode.OK, (await client.GetFromAsync("/health/live", "198.51.100.40")).StatusCode);

        // Every client's commands wait for 2 s: far beyond the limiter's 50 ms. (Closing this
        // connection would wait for the pause too, so it stays open until the end.)
        await using var admin = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true");
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "2000", "ALL");
        var before = fallbacks.GetMeasurementSnapshot().EvaluateAsCounter();
        var response = await client.GetFromAsync("/health/live", "198.51.100.40");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before + 1, fallbacks.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Theory]
    [InlineData(true, HttpStatusCode.TooManyRequests)]
    [InlineData(false, HttpStatusCode.OK)]
    public async Task FEATURE_RATE_LIMIT_adds_a_per_instance_layer_in_front_of_Redis(bool burstLayer, HttpStatusCode afterSharedCountIsCleared)
    {
        var redis = TestServices.RequireRedis();
        var prefix = NewPrefix();
        await using var factory = Instance(redis, prefix, burstLayer);
        using var client = factory.CreateClient();
        await AlternateAsync([client], "198.51.100.50", Limit);

        await using (var admin = await ConnectionMultiplexer.ConnectAsync(redis))
        {
            Assert.True(await admin.GetDatabase().KeyDeleteAsync(prefix + "general:ip:198.51.100.50"));
        }

        Assert.Equal(afterSharedCountIsCleared, (await client.GetFromAsync("/health/live", "198.51.100.50")).StatusCode);
    }
}
