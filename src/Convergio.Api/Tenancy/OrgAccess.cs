using Convergio.Api.Audit;
using Convergio.Api.Auth.Tokens;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tenancy;

/// <summary>Endpoint metadata: the least role a caller needs in the route's organization.</summary>
public sealed record OrgRoleRequirement(OrgRole Minimum);

/// <summary>The caller's membership of the route's organization, as the tenant filter found it.</summary>
public sealed record OrgCaller(Guid OrgId, Guid UserId, OrgRole Role);

/// <summary>
/// The tenant rule. A group whose route has <c>{orgId:guid}</c> declares <see cref="RequireOrgMembership"/>
/// once; each endpoint in it names its least role with <see cref="RequireOrgRole{TBuilder}"/>. One filter
/// loads the caller's membership once per request: a non-member gets 404 (an organization's existence is
/// not revealed), a member below the endpoint's role gets 403, and an endpoint that names no role fails closed.
/// An API token limited to another organization gets 403 before any membership is read.
/// </summary>
public static class OrgAccess
{
    public const string OrgIdRouteValue = "orgId";

    public static RouteGroupBuilder RequireOrgMembership(this RouteGroupBuilder group) =>
        group.RequireAuthorization().WithMetadata(TokenOrganizationChecked.Instance).AddEndpointFilter<OrgMembershipFilter>();

    public static TBuilder RequireOrgRole<TBuilder>(this TBuilder builder, OrgRole minimum) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OrgRoleRequirement(minimum));

    /// <summary>For endpoints behind <see cref="RequireOrgMembership"/>, where the filter has set it.</summary>
    public static OrgCaller GetOrgCaller(this HttpContext http) =>
        http.Features.Get<OrgCaller>() ?? throw new InvalidOperationException("No organization membership on this request; is the endpoint inside RequireOrgMembership()?");
}

internal sealed class OrgMembershipFilter(ConvergioDb db, AuditLog audit) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var endpoint = http.GetEndpoint();
        var requirement = endpoint?.Metadata.GetMetadata<OrgRoleRequirement>()
            ?? throw new InvalidOperationException($"{endpoint?.DisplayName} is organization-scoped but names no role: add RequireOrgRole(...).");

        var userId = http.User.GetUserId();
        OrgRole? role = null;
        var hasOrgId = Guid.TryParse(http.Request.RouteValues[OrgAccess.OrgIdRouteValue]?.ToString(), out var orgId);
        if (http.User.FindTokenOrgId() is { } tokenOrg && (!hasOrgId || orgId != tokenOrg))
        {
            return ApiProblems.Forbidden("This API token is limited to another organization.");
        }
        if (hasOrgId)
        {
            role = await db.Memberships.AsNoTracking()
                .Where(m => m.OrgId == orgId && m.UserId == userId)
                .Select(m => (OrgRole?)m.Role)
                .SingleOrDefaultAsync(http.RequestAborted);
        }

        if (role is null || role < requirement.Minimum)
        {
            if (endpoint.Metadata.GetMetadata<AuditDeniedAttempts>() is { } audited)
            {
                audit.Record(audited.Action, AuditOutcomes.Denied, orgId: role is null ? null : orgId,
                    data: new { reason = role is null ? "not_a_member" : "role_too_low", route = http.Request.Path.Value, required = requirement.Minimum, held = role });
                await db.SaveChangesAsync(http.RequestAborted);
            }
            return role is null
                ? ApiProblems.NotFound("No such organization.")
                : ApiProblems.Forbidden($"This needs the {requirement.Minimum.ToString().ToLowerInvariant()} role or higher in the organization.");
        }

        http.Features.Set(new OrgCaller(orgId, userId, role.Value));
        return await next(context);
    }
}
