using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;

namespace Convergio.Api.Edge;

/// <summary>Thrown where a bounded resource turns work away (its queue is full): answered 503 with <c>Retry-After</c>.</summary>
public sealed class ServiceBusyException(TimeSpan retryAfter, string detail) : Exception(detail)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// 503 problem+json with <c>Retry-After</c> for a <see cref="ServiceBusyException"/>: the request was
/// refused before it changed anything, and may be sent again after the time given.
/// </summary>
internal sealed class ServiceBusyHandler(IProblemDetailsService problems, ILogger<ServiceBusyHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not ServiceBusyException busy)
        {
            return false;
        }
        logger.LogWarning("Service busy; answered 503: {Reason}", busy.Message);
        httpContext.Response.Headers.RetryAfter = RateLimitHeaders.Seconds(busy.RetryAfter).ToString(CultureInfo.InvariantCulture);
        return await problems.AnswerAsync(httpContext, StatusCodes.Status503ServiceUnavailable, "Service Unavailable", busy.Message);
    }
}
