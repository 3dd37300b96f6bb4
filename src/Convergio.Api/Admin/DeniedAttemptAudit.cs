using Convergio.Api.Audit;
using Convergio.Api.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Convergio.Api.Admin;

/// <summary>Endpoint metadata: a refused attempt at this endpoint is audited as <see cref="Action"/> with outcome denied.</summary>
public sealed record AuditDeniedAttempts(string Action);

public static class DeniedAttemptAudit
{
    /// <summary>Audits refusals of this endpoint: by its authorization policy, the tenant rule, or the handler's own checks.</summary>
    public static TBuilder AuditDenied<TBuilder>(this TBuilder builder, string action) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AuditDeniedAttempts(action));

    /// <summary>
    /// Wraps whichever <see cref="IAuthorizationMiddlewareResultHandler"/> is registered so far, so a signed-in
    /// caller refused by a policy (403) on an endpoint marked <see cref="AuditDenied{TBuilder}"/> leaves an event.
    /// Call after the authentication setup that registers the handler.
    /// </summary>
    public static IServiceCollection AddDeniedAttemptAudit(this IServiceCollection services)
    {
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        if (existing is not null)
        {
            services.Remove(existing);
        }
        services.AddSingleton<IAuthorizationMiddlewareResultHandler>(provider => new DeniedAttemptAuditingResultHandler(existing switch
        {
            null => new AuthorizationMiddlewareResultHandler(),
            { ImplementationInstance: IAuthorizationMiddlewareResultHandler instance } => instance,
            { ImplementationFactory: { } factory } => (IAuthorizationMiddlewareResultHandler)factory(provider),
            _ => (IAuthorizationMiddlewareResultHandler)ActivatorUtilities.CreateInstance(provider, existing.ImplementationType!),
        }));
        return services;
    }

    private sealed class DeniedAttemptAuditingResultHandler(IAuthorizationMiddlewareResultHandler inner) : IAuthorizationMiddlewareResultHandler
    {
        public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
        {
            if (authorizeResult.Forbidden && context.GetEndpoint()?.Metadata.GetMetadata<AuditDeniedAttempts>() is { } audited)
            {
                context.RequestServices.GetRequiredService<AuditLog>()
                    .Record(audited.Action, AuditOutcomes.Denied, data: new { reason = "policy", route = context.Request.Path.Value });
                await context.RequestServices.GetRequiredService<ConvergioDb>().SaveChangesAsync(context.RequestAborted);
            }
            await inner.HandleAsync(next, context, policy, authorizeResult);
        }
    }
}
