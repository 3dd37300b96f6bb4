using Convergio.Api.Secrets;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Convergio.Api.Observability;

/// <summary>
/// OpenTelemetry metrics (ASP.NET Core, HttpClient, Npgsql, .NET runtime and <see cref="SecurityMetrics"/>)
/// for the Prometheus scrape endpoint. When <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, metrics and
/// traces are also pushed over OTLP (http/protobuf, through a TLS 1.2+ client; the exporter reads
/// the other standard OTEL_* variables; Production requires an https endpoint).
/// The instrumentations keep URL query strings redacted, their default.
/// </summary>
public static class Telemetry
{
    public const string ServiceName = "convergio-api";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The name of the exporters' options (<c>IOptionsMonitor&lt;OtlpExporterOptions&gt;.Get</c>), shared by both signals.</summary>
    public const string OtlpOptionsName = "convergio";

    internal static void AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<SecurityMetrics>();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(SecurityMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter()
                .AddOtlpExporterWhen(otlp, metrics.AddOtlpExporter));
        // Traces have no local reader: with no collector to push them to, recording a span for every
        // request and query would cost each request for nothing.
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(OtlpOptionsName, PinnedExporter));
        }
    }

    // http/protobuf is the protocol whose HttpClient the exporter takes from HttpClientFactory.
    private static T AddOtlpExporterWhen<T>(this T builder, bool enabled, Func<string, Action<OtlpExporterOptions>, T> add) =>
        enabled ? add(OtlpOptionsName, PinnedExporter) : builder;

    private static void PinnedExporter(OtlpExporterOptions options)
    {
        options.Protocol = OtlpExportProtocol.HttpProtobuf;
        options.HttpClientFactory = () => new PinnedHttpClient();
    }
}

/// <summary>Telemetry leaves over TLS in Production, like every other outbound connection.</summary>
internal sealed class OtlpTlsRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var endpoint = configuration[Telemetry.OtlpEndpointKey];
        if (!string.IsNullOrWhiteSpace(endpoint) && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps))
        {
            yield return new(GuardSeverity.Error, "otlp-tls", $"{Telemetry.OtlpEndpointKey} must be an https:// URL in Production.");
        }
    }
}
