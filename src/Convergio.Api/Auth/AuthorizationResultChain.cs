using Convergio.Api.Audit;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;

namespace Convergio.Api.Auth;

/// <summary>
/// The one <see cref="IAuthorizationMiddlewareResultHandler"/>, registered once by <c>AddAuth</c>, so
/// what happens to a refusal never depends on the order features were added. In a fixed order:
/// <list type="number">
/// <item>a signed-in caller refused (403) at an endpoint marked <see cref="DeniedAttempts.AuditDenied{TBuilder}"/> leaves an audit event;</item>
/// <item>a refusal caused only by assurance requirements (step-up, second factor, verified email)
/// becomes a 403 problem whose <c>type</c> says what to do, audited where the requirement asks; any
/// other failure (not signed in, missing role) stays plain, so a user without the role learns nothing
/// about the step-up rules of the endpoint;</item>
/// <item>routing's own 405/415 endpoints, which have no handler and no metadata, pass (the
/// deny-by-default policy would otherwise turn them into a misleading 401);</item>
/// <item>everything else goes to the framework's handler (challenge, forbid or the endpoint).</item>
/// </list>
/// </summary>
internal sealed class AuthorizationResultChain : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _framework = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var endpoint = context.GetEndpoint();
        if (authorizeResult.Forbidden && endpoint?.Metadata.GetMetadata<AuditDeniedAttempts>() is { } audited)
        {
            await RecordDeniedAsync(context, audited.Action, data: new { reason = "policy", route = context.Request.Path.Value });
        }

        if (AssuranceOnlyFailure(authorizeResult) is { } requirement)
        {
            await RefuseForAssuranceAsync(context, requirement);
            return;
        }

        if (!authorizeResult.Succeeded && endpoint is not null and not RouteEndpoint)
        {
            await next(context);
            return;
        }

        await _framework.HandleAsync(next, context, policy, authorizeResult);
    }

    private static IAssuranceRequirement? AssuranceOnlyFailure(PolicyAuthorizationResult result)
    {
        var failed = result.AuthorizationFailure?.FailedRequirements.ToList() ?? [];
        return result.Forbidden && failed.Count > 0 && failed.All(r => r is IAssuranceRequirement)
            ? failed.Cast<IAssuranceRequirement>().OrderBy(r => r.Precedence).First()
            : null;
    }

    private static async Task RefuseForAssuranceAsync(HttpContext context, IAssuranceRequirement requirement)
    {
        if (requirement.DeniedAuditAction is { } action)
        {
            await RecordDeniedAsync(context, action, targetType: "endpoint", targetId: Truncate($"{context.Request.Method} {context.Request.Path}"));
        }

        await ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, requirement.Detail, requirement.ProblemType);
    }

    /// <summary>Saves the refusal's audit event at once: the response that follows ends the request without a save of its own.</summary>
    private static async Task RecordDeniedAsync(HttpContext context, string action, string? targetType = null, string? targetId = null, object? data = null)
    {
        context.RequestServices.GetRequiredService<AuditLog>().Record(action, AuditOutcomes.Denied, targetType: targetType, targetId: targetId, data: data);
        await context.RequestServices.GetRequiredService<ConvergioDb>().SaveChangesAsync(context.RequestAborted);
    }

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100];
}
