namespace Convergio.Api.Auth.Tokens;

/// <summary>The fixed list of scopes an API token may hold; an endpoint names the one it needs with <see cref="TokenScopeConventions.RequireScope{TBuilder}"/>.</summary>
public static class TokenScopes
{
    public const string OrgsRead = "orgs:read";
    public const string OrgsWrite = "orgs:write";
    public const string ProjectsRead = "projects:read";
    public const string ProjectsWrite = "projects:write";
    public const string MembersRead = "members:read";
    public const string MembersWrite = "members:write";
    public const string AuditRead = "audit:read";

    public static readonly IReadOnlyList<string> All = [OrgsRead, OrgsWrite, ProjectsRead, ProjectsWrite, MembersRead, MembersWrite, AuditRead];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}

/// <summary>
/// Endpoint metadata: an API token reaches the endpoint only when it holds <paramref name="Scope"/>.
/// <paramref name="FiltersToTokenOrganization"/> marks the few endpoints outside an organization's routes
/// that an organization-limited token may call because they narrow what they return to that organization.
/// </summary>
public sealed record TokenScopeRequirement(string Scope, bool FiltersToTokenOrganization = false);

/// <summary>
/// Endpoint metadata of organization routes: their tenant rule (Tenancy's membership filter) refuses an
/// organization-limited token whose organization is not the route's, so such a token may reach them.
/// </summary>
public sealed class TokenOrganizationChecked
{
    public static readonly TokenOrganizationChecked Instance = new();

    private TokenOrganizationChecked()
    {
    }
}

public static class TokenScopeConventions
{
    /// <summary>Lets API tokens holding <paramref name="scope"/> call the endpoint; endpoints that name no scope refuse every token (403).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope, bool filtersToTokenOrganization = false) where TBuilder : IEndpointConventionBuilder =>
        TokenScopes.IsKnown(scope)
            ? builder.WithMetadata(new TokenScopeRequirement(scope, filtersToTokenOrganization))
            : throw new ArgumentException($"Unknown token scope '{scope}'.", nameof(scope));
}
