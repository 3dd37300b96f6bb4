using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Convergio.Api.Tests.Observability;

public sealed class TracingTests
{
    [Fact]
    public async Task Requests_are_not_traced_when_no_collector_is_configured()
    {
        await using var factory = new ConvergioFactory();

        Assert.Null(factory.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task Requests_are_traced_when_an_OTLP_collector_is_configured()
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "https://127.0.0.1:4318" });

        Assert.NotNull(factory.Services.GetService<TracerProvider>());
    }
}
