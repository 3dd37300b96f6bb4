namespace Convergio.Api.Observability;

public static class ObservabilityExtensions
{
    /// <summary>Error reporting (Sentry, scrubbed), OpenTelemetry metrics and traces, and the guarded scrape endpoint.</summary>
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        builder.AddErrorReporting();
        builder.AddTelemetry();
        builder.AddMetricsEndpoint();
        return builder;
    }
}
