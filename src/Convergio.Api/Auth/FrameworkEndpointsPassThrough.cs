using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Convergio.Api.Auth;

/// <summary>
/// Routing answers a wrong method or content type with a framework endpoint (405/415) that has
/// no handler and no metadata, so the deny-by-default policy would turn it into a misleading 401.
/// Such endpoints do nothing but refuse, so they are let through; every application endpoint is
/// a <see cref="RouteEndpoint"/> and keeps its policy.
/// </summary>
internal sealed class FrameworkEndpointsPassThrough : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!authorizeResult.Succeeded && context.GetEndpoint() is { } endpoint and not RouteEndpoint)
        {
            return next(context);
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
