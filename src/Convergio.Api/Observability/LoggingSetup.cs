namespace Convergio.Api.Observability;

public static class LoggingSetup
{
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>Console logs with scopes (each line carries the request id); JSON in Production.</summary>
    public static WebApplicationBuilder AddStructuredLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        if (builder.Environment.IsProduction())
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "O";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.IncludeScopes = true;
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
            });
        }
        return builder;
    }

    /// <summary>
    /// Echoes the request id that the hosting layer puts in every log scope, so a client
    /// can quote it. Incoming ids are not trusted: the server assigns its own.
    /// </summary>
    public static IApplicationBuilder UseRequestId(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.Headers[RequestIdHeader] = context.TraceIdentifier;
        return next(context);
    });
}
