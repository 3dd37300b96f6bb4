using Convergio.Api.Audit;
using Convergio.Api.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;

namespace Convergio.Api.Auth.StepUp;

/// <summary>
/// Turns a refusal caused only by assurance requirements into a 403 problem whose <c>type</c>
/// says what to do (turn on MFA, reauthenticate, verify the email), auditing it where the
/// requirement asks. Any other failure (not signed in, missing role) goes through unchanged, so a
/// user without the role learns nothing about the step-up rules of the endpoint.
/// </summary>
internal sealed class AssuranceFailureResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly FrameworkEndpointsPassThrough _next = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var failed = authorizeResult.AuthorizationFailure?.FailedRequirements.ToList() ?? [];
        if (!authorizeResult.Forbidden || failed.Count == 0 || !failed.All(r => r is IAssuranceRequirement))
        {
            await _next.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        var requirement = failed.Cast<IAssuranceRequirement>().OrderBy(r => r.Precedence).First();
        if (requirement.DeniedAuditAction is { } action)
        {
            var audit = context.RequestServices.GetRequiredService<AuditLog>();
            audit.Record(action, AuditOutcomes.Denied, targetType: "endpoint", targetId: Truncate($"{context.Request.Method} {context.Request.Path}"));
            await context.RequestServices.GetRequiredService<ConvergioDb>().SaveChangesAsync(context.RequestAborted);
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Type = requirement.ProblemType,
                Title = "Forbidden",
                Detail = requirement.Detail,
            },
        });
    }

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100];
}
