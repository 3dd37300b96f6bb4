using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Convergio.Api.Edge;

/// <summary>The one 429 format: problem+json with <c>retryAfter</c> seconds and the <c>Retry-After</c> header.</summary>
public static class TooManyRequests
{
    public static ProblemHttpResult Problem(HttpContext context, TimeSpan retryAfter, string detail = "Too many requests; try again later.")
    {
        var seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too Many Requests",
            Detail = detail,
            Extensions = { ["retryAfter"] = seconds },
        });
    }
}
