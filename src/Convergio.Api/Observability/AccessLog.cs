using System.Diagnostics;
using System.Security.Claims;
using System.Threading.Channels;
using Microsoft.Net.Http.Headers;

namespace Convergio.Api.Observability;

/// <summary>
/// One line per request: method, route template (never the raw path or query, which can carry
/// tokens), status, duration, user id, request id, and the client's IP and user agent as pseudonyms.
/// It wraps the whole pipeline and reads the client after it ran, so the address is the one the
/// trusted forwarded-headers step resolved and the user is the one authentication established.
/// The request only queues the line's values; one background writer formats, pseudonymizes and
/// writes them, so requests never wait on the log's lock or output. A full queue drops lines
/// (counted in <c>convergio.access_log.dropped</c>) rather than slow every request down.
/// </summary>
internal sealed partial class AccessLog(ILoggerFactory loggers, SecurityMetrics metrics) : BackgroundService
{
    public const string Category = "Convergio.Access";

    /// <summary>Lines waiting for the writer at most: a few seconds of a busy instance's traffic.</summary>
    internal int Capacity { get; init; } = 50_000;

    private readonly ILogger _logger = loggers.CreateLogger(Category);
    // Lock-free for the requests that write (one reader); bounded by _count, since a bounded channel takes a lock per write.
    private readonly Channel<Line> _lines = Channel.CreateUnbounded<Line>(new UnboundedChannelOptions { SingleReader = true });
    private int _count;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "HTTP {Method} {Route} responded {StatusCode} in {ElapsedMilliseconds} ms (user {UserId}, request {RequestId}, client {ClientIp}, agent {UserAgent})")]
    private static partial void RequestCompleted(ILogger logger, string method, string route, int statusCode, double elapsedMilliseconds,
        string? userId, string requestId, [PersonalData] string clientIp, [PersonalData] string userAgent);

    private readonly record struct Line(string Method, string Route, int StatusCode, double ElapsedMilliseconds,
        string? UserId, string RequestId, string ClientIp, string UserAgent);

    private async Task LogAsync(HttpContext context, RequestDelegate next)
    {
        // Off (level above Information): no clock, no strings on the request path.
        if (!_logger.IsEnabled(LogLevel.Information))
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
            Enqueue(new Line(
                context.Request.Method,
                context.GetEndpoint() is RouteEndpoint route ? route.RoutePattern.RawText ?? "" : "(no route)",
                statusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                context.User.FindFirstValue(ConvergioClaims.UserId),
                context.TraceIdentifier,
                context.Connection.RemoteIpAddress?.ToString() ?? "",
                context.Request.Headers[HeaderNames.UserAgent].ToString()));
        }
    }

    private void Enqueue(Line line)
    {
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            Interlocked.Decrement(ref _count);
            metrics.AccessLogLineDropped();
            return;
        }
        _lines.Writer.TryWrite(line);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _lines.Reader.WaitToReadAsync(stoppingToken))
            {
                Drain();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The writer has stopped: what the requests queued before is still written.
        Drain();
    }

    private void Drain()
    {
        while (_lines.Reader.TryRead(out var line))
        {
            Interlocked.Decrement(ref _count);
            RequestCompleted(_logger, line.Method, line.Route, line.StatusCode, line.ElapsedMilliseconds,
                line.UserId, line.RequestId, line.ClientIp, line.UserAgent);
        }
    }

    internal sealed class StartupFilter(AccessLog log) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(log.LogAsync);
            next(app);
        };
    }
}
