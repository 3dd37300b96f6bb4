using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Edge;

/// <summary>
/// A write whose row another request changed or removed between its read and its save (EF's
/// <see cref="DbUpdateConcurrencyException"/>: the UPDATE or DELETE matched no row) is 409
/// problem+json, not a 500. The save's transaction rolled back, so nothing was half-written; the
/// client reloads and decides again. Endpoints that know a better answer catch it themselves.
/// </summary>
internal sealed class ConcurrentChangeHandler(IProblemDetailsService problems, ILogger<ConcurrentChangeHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not DbUpdateConcurrencyException)
        {
            return false;
        }
        logger.LogInformation("A concurrent change won the race; answered 409");
        return await problems.AnswerAsync(httpContext, StatusCodes.Status409Conflict, "Conflict",
            "Another request changed or removed this resource meanwhile; nothing was saved. Reload it and try again.");
    }
}
