using System.Net;
using System.Text.Json;
using Convergio.Api.Observability;
using Convergio.Api.Tests.Edge;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Convergio.Api.Tests.Foundation;

public sealed class HealthTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Live_answers_200_without_a_session(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Ready_answers_200_when_the_database_is_reachable(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"database\":\"Healthy\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// The limiter falls back in-process when Redis is down, so a Redis outage keeps the replica
    /// in rotation: 200, Degraded, the fallback named in the body and raised in a gauge.
    /// </summary>
    [Fact]
    public async Task Ready_stays_200_with_redis_degraded_and_the_fallback_visible_while_redis_is_down()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"{redis.ConnectionString},connectTimeout=200,syncTimeout=200,asyncTimeout=200",
        });
        using var client = factory.CreateClient();
        using var fallback = new MetricCollector<int>(factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            SecurityMetrics.MeterName, "convergio.ratelimit.fallback_active");
        Assert.Contains("\"redis\":\"Healthy\"", await client.GetStringAsync("/health/ready", TestContext.Current.CancellationToken));
        fallback.RecordObservableInstruments();
        Assert.Equal(0, fallback.LastMeasurement?.Value);

        await redis.StopAsync();
        var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Degraded", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Degraded", body.RootElement.GetProperty("checks").GetProperty("redis").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetString());
        Assert.Equal(Health.RedisFallback, body.RootElement.GetProperty("degraded").GetProperty("redis").GetString());
        fallback.RecordObservableInstruments();
        Assert.Equal(1, fallback.LastMeasurement?.Value);
    }
}
