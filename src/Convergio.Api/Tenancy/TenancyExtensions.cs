using Convergio.Api.Auth.Tokens;

namespace Convergio.Api.Tenancy;

public static class TenancyExtensions
{
    public static WebApplicationBuilder AddTenancy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TenancyOptions>()
            .BindConfiguration(TenancyOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddScoped<IOrganizationMembership, OrganizationMembership>();
        return builder;
    }

    /// <summary>
    /// <c>/api/v1/orgs</c>: signed-in users create and list their organizations; everything under
    /// <c>/{orgId}</c> passes the tenant rule (member of that organization, with the endpoint's least role).
    /// </summary>
    public static IEndpointRouteBuilder MapTenancy(this IEndpointRouteBuilder app)
    {
        var orgs = app.MapGroup("/api/v1/orgs").WithTags("Organizations")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimitPolicies.General);
        var org = orgs.MapGroup($"/{{{OrgAccess.OrgIdRouteValue}:guid}}").RequireOrgMembership();

        OrganizationEndpoints.MapOrganizations(orgs, org);
        MemberEndpoints.MapMembers(org);
        InviteEndpoints.MapInvites(app, org);
        ProjectEndpoints.MapProjects(org);
        return app;
    }
}
