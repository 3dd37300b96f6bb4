using System.Globalization;
using Convergio.Api.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Convergio.Api.ApiDocs;

/// <summary>
/// Every error an operation can answer, as application/problem+json with the shared schema: the
/// ones its metadata implies (401 unless public, 403 with the problem types of CSRF, origin,
/// assurance and roles, 404 for addressed resources, 400/413/415 for bodies, 429 when rate
/// limited, 503 when the database is unreachable), plus those its handler declares; and the
/// rate-limit headers on every response of a rate-limited operation.
/// </summary>
internal sealed class ErrorResponses(IAuthorizationPolicyProvider policies) : IOpenApiOperationTransformer
{
    public const string TooManyRequestsDescription = "Too many requests: wait `Retry-After` seconds (also `retryAfter` in the body).";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        var metadata = context.Description.ActionDescriptor.EndpointMetadata.ToList();
        var facts = await EndpointFacts.ReadAsync(metadata, context.Description.HttpMethod!, policies);
        var responses = operation.Responses ??= [];
        var parameters = operation.Parameters ?? [];
        var hasBody = operation.RequestBody is not null;

        if (hasBody || parameters.Any(p => p.In == ParameterLocation.Query) || responses.ContainsKey("400"))
        {
            Set(responses, 400, document, "The request is malformed, or a field is invalid (`errors` names each field).");
        }
        if (!facts.IsPublic)
        {
            Set(responses, 401, document, "No valid session (missing, expired or revoked, or still owing its second factor) and no valid API token (unknown, expired, revoked, or its user disabled).");
        }
        else if (responses.ContainsKey("401"))
        {
            Set(responses, 401, document, "The credentials were not accepted.");
        }
        var forbidden = ForbiddenTypes(facts, metadata).ToList();
        if (forbidden.Count > 0 || responses.ContainsKey("403"))
        {
            Set(responses, 403, document, forbidden.Count == 0 ? "Refused." : "Refused. Problem types: " + string.Join(", ", forbidden.Select(t => $"`{t}`")) + ".", forbidden);
        }
        if (parameters.Any(p => p.In == ParameterLocation.Path) || responses.ContainsKey("404"))
        {
            Set(responses, 404, document, "No such resource, or none the caller may see.");
        }
        if (responses.ContainsKey("409"))
        {
            Set(responses, 409, document, "Conflicts with the current state: " + Types(metadata, 409, "see `detail`") + ".", [.. metadata.OfType<ProblemTypeMetadata>().Where(m => m.StatusCode == 409).Select(m => m.Type)]);
        }
        if (hasBody)
        {
            Set(responses, 413, document, "The body is larger than this endpoint accepts.");
            Set(responses, 415, document, $"The body is not in a media type this operation reads, or not UTF-8 (`{ProblemTypes.UnsupportedCharset}`).", [ProblemTypes.UnsupportedCharset]);
        }
        if (facts.IsRateLimited || responses.ContainsKey("429"))
        {
            Set(responses, 429, document, TooManyRequestsDescription);
        }
        Set(responses, 503, document, "The database is unreachable: retry after `Retry-After` seconds.");

        // In status order, whatever order the generator and the rules above added them in.
        var ordered = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        responses.Clear();
        foreach (var (status, response) in ordered)
        {
            responses.Add(status, response);
        }

        if (facts.IsRateLimited)
        {
            AddRateLimited(operation, document);
        }
        AddRetryAfter(responses, document);
    }

    /// <summary>The rate-limit headers on every response of the operation (written whenever the limiter counted the request).</summary>
    public static void AddRateLimited(OpenApiOperation operation, OpenApiDocument document)
    {
        foreach (var response in (operation.Responses ?? []).Values.OfType<OpenApiResponse>())
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            foreach (var name in ContractComponents.RateLimitHeaderNames)
            {
                response.Headers[name] = ContractComponents.HeaderReference(name, document);
            }
        }
        AddRetryAfter(operation.Responses ?? [], document);
    }

    private static void AddRetryAfter(OpenApiResponses responses, OpenApiDocument document)
    {
        foreach (var status in new[] { "429", "503" })
        {
            if (responses.TryGetValue(status, out var response) && response is OpenApiResponse writable)
            {
                writable.Headers ??= new Dictionary<string, IOpenApiHeader>();
                writable.Headers[ContractComponents.RetryAfter] = ContractComponents.HeaderReference(ContractComponents.RetryAfter, document);
            }
        }
    }

    private static IEnumerable<string> ForbiddenTypes(EndpointFacts facts, List<object> metadata)
    {
        if (facts.IsMutating)
        {
            yield return ProblemTypes.OriginNotAllowed;
        }
        if (facts.NeedsCsrfToken)
        {
            yield return ProblemTypes.CsrfTokenInvalid;
        }
        foreach (var type in facts.Assurance.Select(r => r.ProblemType).Concat(metadata.OfType<ProblemTypeMetadata>().Where(m => m.StatusCode == 403).Select(m => m.Type)).Distinct())
        {
            yield return type;
        }
        if (facts.IsPlatformAdmin || facts.LeastOrgRole > OrgRole.Viewer)
        {
            yield return "about:blank";
        }
    }

    private static string Types(List<object> metadata, int status, string otherwise)
    {
        var types = metadata.OfType<ProblemTypeMetadata>().Where(m => m.StatusCode == status).Select(m => $"`{m.Type}`").ToList();
        return types.Count > 0 ? string.Join(", ", types) + " or " + otherwise : otherwise;
    }

    /// <summary>Replaces whatever the generator put for the status with the shared problem response.</summary>
    private static void Set(OpenApiResponses responses, int status, OpenApiDocument document, string description, IReadOnlyList<string>? types = null)
    {
        var response = ContractComponents.ProblemResponse(document, description);
        if (types is { Count: > 0 })
        {
            response.Extensions = new Dictionary<string, IOpenApiExtension> { ["x-convergio-problem-types"] = new JsonNodeExtension(ContractComponents.Strings(types)) };
        }
        responses[status.ToString(CultureInfo.InvariantCulture)] = response;
    }
}
