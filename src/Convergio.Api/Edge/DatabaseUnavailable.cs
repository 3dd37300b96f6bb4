using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Convergio.Api.Edge;

/// <summary>
/// The database is down, unreachable, overloaded or too slow (or a conflict outlived its retries):
/// 503 problem+json with <c>Retry-After</c>, not a 500. Nothing is kept between requests, so the
/// first request after the database returns succeeds again; readiness reports the same state.
/// </summary>
internal sealed class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    internal const int RetryAfterSeconds = 5;

    // SQLITE_IOERR, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CANTOPEN: the file is unreachable or held by another writer too long.
    private static readonly int[] SqliteUnavailable = [10, 5, 6, 14];

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnavailable(exception))
        {
            return false;
        }
        logger.LogWarning(exception, "Database unavailable; answered 503");
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.AnswerAsync(httpContext, StatusCodes.Status503ServiceUnavailable, "Service Unavailable",
            "The service cannot reach its database right now; retry after the time in Retry-After.");
    }

    /// <summary>Anywhere in the chain of causes: EF wraps provider errors (DbUpdateException, RetryLimitExceededException, InvalidOperationException).</summary>
    internal static bool IsUnavailable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case NpgsqlException npgsql when npgsql.IsTransient:
                case SqliteException sqlite when SqliteUnavailable.Contains(sqlite.SqliteErrorCode):
                case TimeoutException:
                case RetryLimitExceededException:
                    return true;
                case DbException:
                    return false;
            }
        }
        return false;
    }
}
