using System.Text.Json.Nodes;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Auth.Tokens;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Convergio.Api.ApiDocs;

/// <summary>
/// What an operation needs, from its endpoint metadata: public operations need nothing
/// (<c>security: []</c>); the others the session cookie, and on mutating ones the CSRF header in
/// the same requirement (both at once). Operations that declare a token scope list the API token
/// as a second, alternative requirement and name the scope in <c>x-convergio-scope</c> (a scopes
/// array belongs to OAuth2 schemes only, as Spectral's oas rules read the specification).
/// Assurance beyond a session (second factor, recent authentication, verified email) and roles are
/// stated in the description and in <c>x-convergio-assurance</c>.
/// </summary>
internal sealed class OperationSecurity(IAuthorizationPolicyProvider policies) : IOpenApiOperationTransformer
{
    public const string AssuranceExtension = "x-convergio-assurance";
    public const string ScopeExtension = "x-convergio-scope";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        var facts = await EndpointFacts.ReadAsync(context.Description.ActionDescriptor.EndpointMetadata.ToList(), context.Description.HttpMethod!, policies);

        if (facts.IsPublic)
        {
            operation.Security = [];
            operation.Description += " Public: needs no session.";
            return;
        }

        var requirement = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ContractComponents.SessionScheme, document)] = [] };
        if (facts.NeedsCsrfToken)
        {
            requirement[new OpenApiSecuritySchemeReference(ContractComponents.CsrfScheme, document)] = [];
        }
        operation.Security = [requirement];
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<TokenScopeRequirement>().LastOrDefault() is { } scope)
        {
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ContractComponents.TokenScheme, document)] = [] });
            operation.Description += $" API tokens need the {scope.Scope} scope.";
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions[ScopeExtension] = new JsonNodeExtension(JsonValue.Create(scope.Scope));
        }

        var needs = new List<string>();
        if (facts.IsPlatformAdmin)
        {
            needs.Add("Needs a platform administrator.");
        }
        if (facts.LeastOrgRole is { } role)
        {
            needs.Add($"Needs the {role.ToString().ToLowerInvariant()} role or higher in the organization (a non-member gets 404).");
        }
        var assurance = facts.Assurance.Select(Name).ToList();
        if (assurance.Count > 0)
        {
            needs.Add("The session must have: " + string.Join(", ", assurance) + " (403 with the matching problem type otherwise).");
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions[AssuranceExtension] = new JsonNodeExtension(ContractComponents.Strings(assurance));
        }
        if (needs.Count > 0)
        {
            operation.Description += " " + string.Join(" ", needs);
        }
    }

    /// <summary>The names <c>x-convergio-assurance</c> lists.</summary>
    public static string Name(IAssuranceRequirement requirement) => requirement switch
    {
        MfaSessionRequirement => "second-factor",
        RecentAuthenticationRequirement => "recent-authentication",
        VerifiedEmailRequirement { IsAlways: true } => "verified-email",
        VerifiedEmailRequirement => "verified-email-when-required",
        _ => throw new InvalidOperationException($"Name the assurance requirement {requirement.GetType().Name} for the OpenAPI document."),
    };
}
