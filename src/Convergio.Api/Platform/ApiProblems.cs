using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Convergio.Api.Platform;

/// <summary>
/// The one way to answer with an error: application/problem+json (RFC 9457) whose title is the
/// status's reason phrase. Endpoints return these results; middleware and handlers, which have no
/// endpoint result to return, call <see cref="WriteAsync"/>, which executes the same result.
/// </summary>
public static class ApiProblems
{
    public static ProblemHttpResult Problem(int status, string detail, string? type = null, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = ReasonPhrases.GetReasonPhrase(status), Detail = detail, Type = type };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }
        return TypedResults.Problem(problem);
    }

    /// <summary>Writes the problem from middleware or an authentication/authorization handler.</summary>
    public static Task WriteAsync(HttpContext context, int status, string detail, string? type = null) =>
        Problem(status, detail, type).ExecuteAsync(context);

    public static ProblemHttpResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, detail);

    public static ProblemHttpResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, detail);

    public static ProblemHttpResult Forbidden(string detail, string? type = null) => Problem(StatusCodes.Status403Forbidden, detail, type);

    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, detail);

    public static ProblemHttpResult Conflict(string detail) => Problem(StatusCodes.Status409Conflict, detail);

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
