using Convergio.Api.Auth.StepUp;
using Convergio.Api.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;

namespace Convergio.Api.ApiDocs;

/// <summary>
/// What an endpoint's metadata says about its security, read the way the middleware reads it: the
/// document states these facts, and the contract tests compare them with the route table.
/// </summary>
public sealed record EndpointFacts(
    bool IsPublic,
    bool IsMutating,
    bool IsRateLimited,
    bool IsPlatformAdmin,
    OrgRole? LeastOrgRole,
    IReadOnlyList<IAssuranceRequirement> Assurance)
{
    /// <summary>The CSRF middleware checks every mutating request that is not public (docs/design.md).</summary>
    public bool NeedsCsrfToken => !IsPublic && IsMutating;

    public static async Task<EndpointFacts> ReadAsync(IReadOnlyList<object> metadata, string method, IAuthorizationPolicyProvider policies)
    {
        var policy = await AuthorizationPolicy.CombineAsync(policies, metadata.OfType<IAuthorizeData>().ToList(), metadata.OfType<AuthorizationPolicy>().ToList());
        var requirements = policy?.Requirements ?? [];
        return new EndpointFacts(
            IsPublic: metadata.OfType<PublicEndpointMetadata>().Any(),
            IsMutating: !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method),
            IsRateLimited: metadata.OfType<EnableRateLimitingAttribute>().Any(),
            IsPlatformAdmin: metadata.OfType<IAuthorizeData>().Any(a => a.Policy == AuthorizationPolicies.PlatformAdmin),
            LeastOrgRole: metadata.OfType<OrgRoleRequirement>().LastOrDefault()?.Minimum,
            Assurance: requirements.OfType<IAssuranceRequirement>().Distinct().OrderBy(r => r.Precedence).ToList());
    }
}
