using System.Diagnostics;
using System.Security.Claims;
using Microsoft.Net.Http.Headers;

namespace Convergio.Api.Observability;

/// <summary>
/// One line per request: method, route template (never the raw path or query, which can carry
/// tokens), status, duration, user id, and the client's IP and user agent as pseudonyms. It wraps
/// the whole pipeline and reads the client after it ran, so the address is the one the trusted
/// forwarded-headers step resolved and the user is the one authentication established.
/// </summary>
internal static partial class AccessLog
{
    private const string Category = "Convergio.Access";

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "HTTP {Method} {Route} responded {StatusCode} in {ElapsedMilliseconds} ms (user {UserId}, client {ClientIp}, agent {UserAgent})")]
    private static partial void RequestCompleted(ILogger logger, string method, string route, int statusCode, double elapsedMilliseconds,
        string? userId, [PersonalData] string clientIp, [PersonalData] string userAgent);

    private static async Task LogAsync(HttpContext context, RequestDelegate next, ILogger logger)
    {
        // Off (level above Information): no clock, no strings, no pseudonyms on the request path.
        if (!logger.IsEnabled(LogLevel.Information))
        {
            await next(context);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        var statusCode = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context);
            statusCode = context.Response.StatusCode;
        }
        finally
        {
            RequestCompleted(logger,
                context.Request.Method,
                context.GetEndpoint() is RouteEndpoint route ? route.RoutePattern.RawText ?? "" : "(no route)",
                statusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                context.User.FindFirstValue(ConvergioClaims.UserId),
                context.Connection.RemoteIpAddress?.ToString() ?? "",
                context.Request.Headers[HeaderNames.UserAgent].ToString());
        }
    }

    internal sealed class StartupFilter(ILoggerFactory loggers) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var logger = loggers.CreateLogger(Category);
            app.Use((context, nextMiddleware) => LogAsync(context, nextMiddleware, logger));
            next(app);
        };
    }
}
