namespace Convergio.Api.Auth.Tokens;

/// <summary>
/// Deny by default for API tokens, before authorization: a request authenticated by a token reaches
/// only endpoints that declare a <see cref="TokenScopeRequirement"/> the token holds (403 otherwise,
/// so every <c>/api/v1/auth/*</c>, provider-key, admin and platform endpoint is out of reach without a
/// line of its own). An organization-limited token reaches only organization routes (whose tenant rule
/// compares the organization, see <see cref="TokenOrganizationChecked"/>) and endpoints that filter what
/// they return to its organization. Placed after rate limiting,
/// so refused requests still count against the token's bucket.
/// </summary>
public sealed class TokenScopeMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.User.FindTokenId() is null)
        {
            return next(context);
        }
        var requirement = context.GetEndpoint()?.Metadata.GetMetadata<TokenScopeRequirement>();
        if (requirement is null)
        {
            return ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "API tokens cannot use this endpoint; sign in instead.");
        }
        if (!context.User.HasClaim(ConvergioClaims.TokenScope, requirement.Scope))
        {
            return ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, $"This API token lacks the {requirement.Scope} scope.");
        }
        if (context.User.FindTokenOrgId() is not null && !requirement.FiltersToTokenOrganization
            && context.GetEndpoint()?.Metadata.GetMetadata<TokenOrganizationChecked>() is null)
        {
            return ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "This API token is limited to another organization.");
        }
        return next(context);
    }
}
