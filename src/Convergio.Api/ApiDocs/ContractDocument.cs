using Convergio.Api.Disclosure;
using Convergio.Api.Observability;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Convergio.Api.ApiDocs;

/// <summary>
/// The document as a whole: what it describes and who to contact, where the API is served, the
/// security schemes, the shared problem schema and rate-limit headers, the feature tags, and the
/// health probes (mapped by the health-check middleware, which the API explorer does not see).
/// </summary>
internal sealed class ContractDocument : IOpenApiDocumentTransformer
{
    public const string Server = "https://api.convergio.io";

    /// <summary>The tags, in reading order; every operation carries exactly one of them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string>
    {
        ["Auth"] = "Account creation, sign-in, passwords, email verification and step-up re-authentication.",
        ["Sessions"] = "The signed-in user's sessions: list and revoke.",
        ["API tokens"] = "Personal access tokens for scripts and CI: create (shown once), list and revoke.",
        ["MFA"] = "Second factor: TOTP authenticator and recovery codes.",
        ["Passkeys"] = "WebAuthn passkeys: sign-in and management.",
        ["Organizations"] = "Tenants and their members (roles owner > admin > member > viewer).",
        ["Projects"] = "Projects inside an organization.",
        ["Invites"] = "Invitations to an organization.",
        ["Provider keys"] = "The user's third-party API keys, stored encrypted.",
        ["Admin"] = "Platform administration (platform administrators with a two-factor session).",
        ["Audit"] = "The tamper-evident audit log: search and export.",
        ["Disclosure"] = "Vulnerability disclosure: security.txt, reports, CSP violation reports.",
        ["Billing"] = "Stripe webhooks.",
        ["Health"] = "Liveness and readiness probes.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Convergio API",
            Version = "v1",
            Description = """
                The Convergio production API. Browsers authenticate with the session cookie that
                sign-in sets; every mutating request of a signed-in user also sends the token of
                `GET /api/v1/auth/csrf` in `X-CSRF-Token` (a 403 of type `csrf-token-invalid` means:
                fetch a new token and retry once). Every error is `application/problem+json`;
                clients act on `status` and `type`. Rate-limited responses carry `RateLimit` and
                `RateLimit-Policy`; a 429 carries `Retry-After`. The `x-convergio-assurance`
                extension of an operation lists what the session must prove beyond being signed
                in (a second factor, a recent authentication, a verified email). Scripts and CI may
                instead send an API token (`Authorization: Bearer cvg_…`, no cookie, no CSRF header)
                to the operations that list the `apiToken` scheme, with the scope their
                `x-convergio-scope` names.
                """,
            Contact = new OpenApiContact { Name = "Convergio security", Email = SecurityContacts.Security },
        };
        document.Servers = [new OpenApiServer { Url = Server, Description = "Production" }];
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));

        ContractComponents.AddTo(document);
        document.Components!.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ContractComponents.SessionScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = AuthNames.HostSessionCookie,
            Description = $"The session cookie set by sign-in (`{AuthNames.HostSessionCookie}` in Production, `{AuthNames.SessionCookie}` elsewhere); HttpOnly, so a browser sends it with `credentials: \"include\"`.",
        };
        document.Components.SecuritySchemes[ContractComponents.CsrfScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = AuthNames.CsrfHeader,
            Description = "The CSRF token of `GET /api/v1/auth/csrf`, bound to the session; required on every mutating request of a signed-in session.",
        };

        document.Components.SecuritySchemes[ContractComponents.TokenScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A personal access token (`cvg_…`) from `POST /api/v1/auth/tokens`. It acts as its user with only its scopes (an operation's `x-convergio-scope` names the one it needs) and, when created for one organization, only there. No cookie is involved, so no CSRF header is needed; any operation that does not list this scheme refuses tokens with 403.",
        };

        // The framework's own validation-problem schema is replaced by the shared one (ErrorResponses).
        document.Components.Schemas?.Remove("HttpValidationProblemDetails");

        document.Paths ??= [];
        document.Paths[Health.LivePath] = HealthPath(document, "getLiveness", "Liveness probe",
            "Answers 200 while the process serves requests; checks nothing else.", ready: false);
        document.Paths[Health.ReadyPath] = HealthPath(document, "getReadiness", "Readiness probe",
            "Checks the database (and Redis when configured): 200 when usable (Redis down is `Degraded`: rate limits fall back in-process), 503 when the database is unreachable.", ready: true);
        return Task.CompletedTask;
    }

    private static OpenApiPathItem HealthPath(OpenApiDocument document, string operationId, string summary, string description, bool ready)
    {
        var report = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "status", "checks", "degraded" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. new[] { "Healthy", "Degraded", "Unhealthy" }.Select(s => (System.Text.Json.Nodes.JsonNode)s)] },
                ["checks"] = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String } },
                ["degraded"] = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        };
        var responses = new OpenApiResponses
        {
            ["200"] = new OpenApiResponse
            {
                Description = "Healthy or degraded.",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = report } },
            },
        };
        if (ready)
        {
            responses["503"] = new OpenApiResponse
            {
                Description = "Unhealthy: the database is unreachable.",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = report } },
            };
        }
        responses["429"] = ContractComponents.ProblemResponse(document, ErrorResponses.TooManyRequestsDescription);
        var operation = new OpenApiOperation
        {
            OperationId = operationId,
            Summary = summary,
            Description = description + " Public.",
            Tags = new HashSet<OpenApiTagReference> { new("Health", document) },
            Security = [],
            Responses = responses,
        };
        ErrorResponses.AddRateLimited(operation, document);
        return new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Get] = operation } };
    }
}
