using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Convergio.Api.Edge;

/// <summary>
/// The one 429 format: problem+json with <c>retryAfter</c> seconds and the <c>Retry-After</c> header.
/// Endpoints with their own budgets (password change) return <see cref="Problem"/>; the rate limiter writes the same.
/// </summary>
public static class TooManyRequests
{
    public const string DefaultDetail = "Too many requests; try again later.";

    public static ProblemHttpResult Problem(HttpContext context, TimeSpan retryAfter, string detail = DefaultDetail)
    {
        var seconds = RateLimitHeaders.Seconds(retryAfter);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiProblems.Problem(StatusCodes.Status429TooManyRequests, detail, extensions: new Dictionary<string, object?> { ["retryAfter"] = seconds });
    }

    /// <summary>Writes the 429 from middleware.</summary>
    public static Task WriteAsync(HttpContext context, TimeSpan retryAfter, string detail = DefaultDetail) =>
        Problem(context, retryAfter, detail).ExecuteAsync(context);
}
