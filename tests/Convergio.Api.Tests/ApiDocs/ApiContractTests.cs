using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Auth.Tokens;
using Convergio.Api.Platform;
using Convergio.Api.Tenancy;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Convergio.Api.Tests.ApiDocs;

/// <summary>
/// docs/openapi.json is the contract integrators read: it must be the document the API generates
/// today, and it must say what the route table enforces.
/// </summary>
public sealed partial class ApiContractTests
{
    private const string Regenerate = "dotnet build src/Convergio.Api -p:UpdateApiContract=true";

    private static readonly string[] Mutating = ["POST", "PUT", "PATCH", "DELETE"];

    [Fact]
    public async Task The_committed_contract_is_the_document_the_api_generates()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();
        var generated = await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        var fresh = Path.Combine(Directory.CreateTempSubdirectory("convergio-openapi-").FullName, "openapi.json");
        await File.WriteAllTextAsync(fresh, generated, TestContext.Current.CancellationToken);

        var committed = await File.ReadAllTextAsync(CommittedPath, TestContext.Current.CancellationToken);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(committed), JsonNode.Parse(generated)),
            $"docs/openapi.json differs from the document the API generates ({fresh}); regenerate it with `{Regenerate}` and commit it.");
    }

    [Fact]
    public async Task Every_mapped_route_is_documented_and_nothing_else()
    {
        var (routes, document) = await LoadAsync();

        var mapped = routes.Select(r => Normalize(r.Key)).ToHashSet();
        var documented = Operations(document).Select(o => o.Key).ToHashSet();

        Assert.Empty(mapped.Except(documented).Order());
        Assert.Empty(documented.Except(mapped).Order());
    }

    [Fact]
    public async Task Public_operations_need_no_security_and_the_others_the_session_cookie()
    {
        var (routes, document) = await LoadAsync();
        var operations = Operations(document).ToDictionary(o => o.Key, o => o.Operation);

        foreach (var route in routes)
        {
            var security = operations[Normalize(route.Key)]["security"]!.AsArray();
            var isPublic = PublicEndpoints.Routes.Contains(route.Key);
            Assert.True(isPublic == route.Endpoint.IsPublic(), $"{route.Key}: public list and endpoint metadata disagree");
            if (isPublic)
            {
                Assert.True(security.Count == 0, $"{route.Key} is public but the document asks for security");
            }
            else
            {
                Assert.True(security.Count >= 1 && security[0]!.AsObject().ContainsKey("sessionCookie"), $"{route.Key} needs a session but the document does not say so");
                Assert.True(((JsonObject)operations[Normalize(route.Key)]["responses"]!).ContainsKey("401"), $"{route.Key} can answer 401 but does not document it");
            }
        }
    }

    [Fact]
    public async Task Operations_an_api_token_may_call_list_the_bearer_scheme_as_an_alternative_and_name_their_scope()
    {
        var (routes, document) = await LoadAsync();
        var operations = Operations(document).ToDictionary(o => o.Key, o => o.Operation);

        foreach (var route in routes)
        {
            var security = operations[Normalize(route.Key)]["security"]!.AsArray();
            var alternative = security.Skip(1).SingleOrDefault()?.AsObject();
            var declared = operations[Normalize(route.Key)]["x-convergio-scope"]?.GetValue<string>();
            if (route.Endpoint.Metadata.GetMetadata<TokenScopeRequirement>() is { } scope)
            {
                Assert.True(alternative?.Count == 1 && alternative.ContainsKey("apiToken") && declared == scope.Scope,
                    $"{route.Key} accepts API tokens with {scope.Scope} but the document does not say so");
            }
            else
            {
                Assert.True(alternative is null && declared is null, $"{route.Key} refuses API tokens but the document lists an alternative");
            }
        }
    }

    [Fact]
    public async Task The_csrf_header_is_required_with_the_cookie_exactly_on_mutating_operations_that_are_not_public()
    {
        var (routes, document) = await LoadAsync();
        var operations = Operations(document).ToDictionary(o => o.Key, o => o.Operation);

        foreach (var route in routes)
        {
            var operation = operations[Normalize(route.Key)];
            var needsCsrf = !route.Endpoint.IsPublic() && Mutating.Contains(route.Method);
            var requirement = operation["security"]!.AsArray().FirstOrDefault()?.AsObject();
            Assert.True(needsCsrf == (requirement?.ContainsKey("csrfToken") == true), $"{route.Key}: CSRF requirement should be {needsCsrf}");
            if (needsCsrf)
            {
                Assert.Contains(ProblemTypes.CsrfTokenInvalid, ProblemTypesOf(operation, "403"));
            }
        }
    }

    [Fact]
    public async Task Assurance_and_roles_are_declared_as_the_endpoint_metadata_requires()
    {
        var (routes, document) = await LoadAsync();
        var operations = Operations(document).ToDictionary(o => o.Key, o => o.Operation);

        foreach (var route in routes)
        {
            var operation = operations[Normalize(route.Key)];
            var platformAdmin = route.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == AuthorizationPolicies.PlatformAdmin);
            var expected = new List<string>();
            if (platformAdmin)
            {
                expected.Add("second-factor");
            }
            if (route.HasRequirement<RecentAuthenticationRequirement>())
            {
                expected.Add("recent-authentication");
            }
            if (route.HasRequirement(VerifiedEmailRequirement.Always))
            {
                expected.Add("verified-email");
            }
            if (route.HasRequirement(VerifiedEmailRequirement.WhenConfigured))
            {
                expected.Add("verified-email-when-required");
            }
            var declared = operation["x-convergio-assurance"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
            Assert.True(expected.Order().SequenceEqual(declared.Order()), $"{route.Key}: x-convergio-assurance is [{string.Join(", ", declared)}], the endpoint requires [{string.Join(", ", expected)}]");
            foreach (var type in expected.Select(AssuranceProblemType).Distinct())
            {
                Assert.True(ProblemTypesOf(operation, "403").Contains(type), $"{route.Key}: its 403 does not list {type}");
            }

            var description = operation["description"]!.GetValue<string>();
            Assert.True(platformAdmin == description.Contains("platform administrator", StringComparison.Ordinal), $"{route.Key}: the description must say whether a platform administrator is needed");
            if (route.Endpoint.Metadata.GetMetadata<OrgRoleRequirement>() is { } role)
            {
                Assert.Contains($"the {role.Minimum.ToString().ToLowerInvariant()} role or higher", description, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Every_operation_has_an_operation_id_a_summary_a_description_and_one_declared_tag()
    {
        var (_, document) = await LoadAsync();
        var tags = document["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToHashSet();

        var offenders = Operations(document)
            .Where(o => string.IsNullOrWhiteSpace((string?)o.Operation["operationId"])
                || string.IsNullOrWhiteSpace((string?)o.Operation["summary"])
                || string.IsNullOrWhiteSpace((string?)o.Operation["description"])
                || o.Operation["tags"]?.AsArray() is not { Count: 1 } operationTags
                || !tags.Contains(operationTags[0]!.GetValue<string>()))
            .Select(o => o.Key)
            .ToList();

        Assert.True(offenders.Count == 0, "Give each of these WithName, WithSummary, WithDescription and one feature tag (WithTags):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public async Task Every_error_response_is_a_problem_with_the_shared_schema()
    {
        var (_, document) = await LoadAsync();

        var offenders = Operations(document)
            .SelectMany(o => o.Operation["responses"]!.AsObject()
                .Where(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture) >= 400 && !(o.Key == "GET /health/ready" && r.Key == "503"))
                .Where(r => r.Value!["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>() != "#/components/schemas/ProblemDetails")
                .Select(r => $"{o.Key} {r.Key}"))
            .ToList();

        Assert.True(offenders.Count == 0, "Not application/problem+json with #/components/schemas/ProblemDetails:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public async Task Rate_limited_operations_document_429_with_retry_after_and_the_rate_limit_headers()
    {
        var (routes, document) = await LoadAsync();
        var operations = Operations(document).ToDictionary(o => o.Key, o => o.Operation);

        foreach (var route in routes.Where(r => r.Endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute>() is not null))
        {
            var responses = operations[Normalize(route.Key)]["responses"]!.AsObject();
            Assert.True(responses["429"]?["headers"]?["Retry-After"] is not null, $"{route.Key}: no 429 with Retry-After");
            foreach (var (status, response) in responses)
            {
                Assert.True(response!["headers"]?["RateLimit"] is not null && response["headers"]?["RateLimit-Policy"] is not null, $"{route.Key} {status}: no RateLimit headers");
            }
        }
    }

    private static string CommittedPath => Path.Combine(RepositoryFiles.Root(), "docs", "openapi.json");

    private static async Task<(List<RegisteredRoute> Routes, JsonNode Document)> LoadAsync()
    {
        await using var factory = new ConvergioFactory();
        var document = JsonNode.Parse(await File.ReadAllTextAsync(CommittedPath, TestContext.Current.CancellationToken))!;
        return (ApiRoutes(factory), document);
    }

    /// <summary>Every route of the API, without the Development-only documentation routes (metrics are not mapped without their port).</summary>
    private static List<RegisteredRoute> ApiRoutes(ConvergioFactory factory) =>
        RegisteredRoutes.All(factory).Where(r => !PublicEndpoints.DevelopmentRoutes.Contains(r.Key)).ToList();

    private static IEnumerable<(string Key, JsonObject Operation)> Operations(JsonNode document) =>
        document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(o => o.Key != "parameters")
            .Select(o => ($"{o.Key.ToUpperInvariant()} {path.Key}", o.Value!.AsObject())));

    private static string AssuranceProblemType(string assurance) => assurance switch
    {
        "second-factor" => ProblemTypes.MfaRequired,
        "recent-authentication" => ProblemTypes.ReauthenticationRequired,
        _ => ProblemTypes.EmailVerificationRequired,
    };

    private static IReadOnlyList<string> ProblemTypesOf(JsonObject operation, string status) =>
        operation["responses"]?[status]?["x-convergio-problem-types"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];

    /// <summary>"DELETE /api/v1/orgs/{orgId:guid}" as OpenAPI writes it: "DELETE /api/v1/orgs/{orgId}".</summary>
    private static string Normalize(string key) => Constraint().Replace(key, "{${name}}");

    [GeneratedRegex(@"\{(?<name>\w+)(:[^}]*)?\}")]
    private static partial Regex Constraint();
}
