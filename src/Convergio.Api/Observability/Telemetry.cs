using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Convergio.Api.Observability;

/// <summary>
/// OpenTelemetry metrics (ASP.NET Core, HttpClient, Npgsql, .NET runtime and <see cref="SecurityMetrics"/>)
/// for the Prometheus scrape endpoint, plus traces; both are also pushed over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the standard OTEL_* variables).
/// The instrumentations keep URL query strings redacted, their default.
/// </summary>
public static class Telemetry
{
    public const string ServiceName = "convergio-api";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    internal static void AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<SecurityMetrics>();
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(SecurityMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql());
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]))
        {
            otel.UseOtlpExporter();
        }
    }
}
