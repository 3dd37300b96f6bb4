using System.Diagnostics.Metrics;
using Convergio.Api.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Convergio.Api.Tests.Observability;

/// <summary>The access log's queue: requests only hand their line over; a writer that falls behind costs lines, never requests.</summary>
public sealed class AccessLogTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddMetrics()
        .AddLogging(logging => logging.AddFakeLogging())
        .BuildServiceProvider();

    private const string Dropped = "convergio.access_log.dropped";

    [Fact]
    public async Task Lines_past_the_queue_capacity_are_dropped_and_counted_and_the_rest_are_written_once_the_writer_runs()
    {
        using var dropped = new MetricCollector<long>(_services.GetRequiredService<IMeterFactory>(), SecurityMetrics.MeterName, Dropped);
        var (log, handle) = Pipeline(capacity: 2);

        // The writer is not running: three requests, two places in the queue.
        for (var i = 0; i < 3; i++)
        {
            await handle(new DefaultHttpContext { RequestServices = _services });
        }
        Assert.Equal(1, dropped.GetMeasurementSnapshot().EvaluateAsCounter());

        await log.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            await Eventually.ReadAsync(() => Task.FromResult(Written()), written => written >= 2);
        }
        finally
        {
            await log.StopAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(2, Written());
    }

    [Fact]
    public async Task Lines_still_queued_when_the_host_stops_are_written()
    {
        var (log, handle) = Pipeline(capacity: 10);
        await handle(new DefaultHttpContext { RequestServices = _services });

        await log.StopAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, Written());
    }

    /// <summary>An access log (its writer not started) and a pipeline of it in front of an empty endpoint.</summary>
    private (AccessLog Log, RequestDelegate Handle) Pipeline(int capacity)
    {
        var log = new AccessLog(_services.GetRequiredService<ILoggerFactory>(), new SecurityMetrics(_services.GetRequiredService<IMeterFactory>())) { Capacity = capacity };
        var app = new ApplicationBuilder(_services);
        new AccessLog.StartupFilter(log).Configure(pipeline => pipeline.Run(context => Task.CompletedTask))(app);
        return (log, app.Build());
    }

    private int Written() => _services.GetFakeLogCollector().GetSnapshot().Count(r => r.Category == AccessLog.Category);

    public void Dispose() => _services.Dispose();
}
