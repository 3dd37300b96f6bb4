using System.Text.Json.Nodes;
using Convergio.Api.Edge;
using Microsoft.OpenApi;

namespace Convergio.Api.ApiDocs;

/// <summary>The names of the document's shared components, and the responses built from them.</summary>
public static class ContractComponents
{
    public const string ProblemSchema = "ProblemDetails";
    public const string ProblemJson = "application/problem+json";
    public const string SessionScheme = "sessionCookie";
    public const string CsrfScheme = "csrfToken";
    public const string TokenScheme = "apiToken";
    public const string RetryAfter = "Retry-After";

    /// <summary>The headers the rate limiter writes on every response it counted (Edge/RateLimitHeaders).</summary>
    public static readonly IReadOnlyList<string> RateLimitHeaderNames =
        [RateLimitHeaders.Current, RateLimitHeaders.Policy, RateLimitHeaders.Limit, RateLimitHeaders.Remaining, RateLimitHeaders.Reset];

    public static void AddTo(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = Problem();
        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        document.Components.Headers[RateLimitHeaders.Current] = Header("Remaining quota per bucket (IETF httpapi draft): `\"general\";r=42;t=17`, r requests left, t seconds until the window resets.");
        document.Components.Headers[RateLimitHeaders.Policy] = Header("The buckets this request was counted in: `\"general\";q=100;w=60`, q requests per w seconds.");
        document.Components.Headers[RateLimitHeaders.Limit] = Header("Requests allowed in the window of the tightest bucket.", JsonSchemaType.Integer);
        document.Components.Headers[RateLimitHeaders.Remaining] = Header("Requests left in the window of the tightest bucket.", JsonSchemaType.Integer);
        document.Components.Headers[RateLimitHeaders.Reset] = Header("Seconds until the tightest bucket's window resets.", JsonSchemaType.Integer);
        document.Components.Headers[RetryAfter] = Header("Seconds to wait before retrying.", JsonSchemaType.Integer);
    }

    /// <summary>A problem+json response with the shared schema.</summary>
    public static OpenApiResponse ProblemResponse(OpenApiDocument document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) } },
    };

    public static IOpenApiHeader HeaderReference(string name, OpenApiDocument document) => new OpenApiHeaderReference(name, document);

    private static OpenApiHeader Header(string description, JsonSchemaType type = JsonSchemaType.String) => new()
    {
        Description = description,
        Schema = new OpenApiSchema { Type = type },
    };

    /// <summary>RFC 9457 problem details as every error of this API carries them (Platform/ApiProblems, Edge/ProblemDetailsSetup).</summary>
    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An error (RFC 9457). Clients act on `status` and `type`; `detail` is for people.",
        Required = new HashSet<string> { "title", "status", "detail" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI under https://convergio.io/problems/ that a client acts on; absent (about:blank) when the status says it all." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The status's reason phrase." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong and what to do, in words for people." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Quote it when reporting a problem." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "400 only: messages per invalid field (camelCase names).",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["retryAfter"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "429 only: seconds to wait, as in the Retry-After header." },
        },
    };

    public static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
