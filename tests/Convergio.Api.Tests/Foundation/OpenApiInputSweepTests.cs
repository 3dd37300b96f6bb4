using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Foundation;

/// <summary>
/// Every operation of the OpenAPI document, called by a platform admin who owns an organization
/// (so requests get past authorization to the input checks), with hostile payloads: a body in
/// UTF-16 and NUL in every string field. Each answer must be a 4xx problem, with a JSON
/// <c>Accept</c> and with an HTML one.
/// </summary>
public sealed class OpenApiInputSweepTests
{
    private static readonly string[] Accepts = ["application/json", "text/html"];

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Every_operation_answers_a_utf16_body_with_a_4xx_problem(Db db)
    {
        await using var factory = NewFactory(db);
        var (admin, operations) = await PrepareAsync(factory);

        var offenders = new List<string>();
        foreach (var operation in operations)
        {
            foreach (var accept in Accepts)
            {
                using var request = operation.Request(accept);
                request.Content = new ByteArrayContent(Encoding.Unicode.GetBytes("{}"));
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-16");
                await SendExpecting4xxProblemAsync(admin, request, operation, accept, offenders);
            }
        }

        Assert.True(offenders.Count == 0, "Expected a 4xx problem for a UTF-16 body:\n" + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Every_operation_taking_text_answers_nul_in_every_string_field_with_a_4xx_problem(Db db)
    {
        await using var factory = NewFactory(db);
        var (admin, operations) = await PrepareAsync(factory);
        var withText = operations.Where(o => o.TakesText).ToList();
        Assert.Contains(withText, o => o.Key == "POST /api/v1/auth/login");

        var offenders = new List<string>();
        foreach (var operation in withText)
        {
            foreach (var accept in Accepts)
            {
                using var request = operation.Request(accept, "a\u0000b");
                await SendExpecting4xxProblemAsync(admin, request, operation, accept, offenders);
            }
        }

        Assert.True(offenders.Count == 0, "Expected a 4xx problem for NUL in every string:\n" + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Every_operation_called_anonymously_with_a_non_json_accept_never_answers_5xx_or_a_non_problem_error(Db db)
    {
        await using var factory = NewFactory(db);
        var (_, operations) = await PrepareAsync(factory);
        using var anonymous = factory.CreateBrowser();

        var offenders = new List<string>();
        foreach (var operation in operations)
        {
            foreach (var accept in new[] { "text/html", "text/plain", "image/png", "application/xml" })
            {
                using var request = operation.Request(accept);
                using var response = await anonymous.Client.SendAsync(request, TestContext.Current.CancellationToken);
                var status = (int)response.StatusCode;
                if (status >= 500 || status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    offenders.Add($"{operation.Key} Accept: {accept} -> {status} {response.Content.Headers.ContentType?.MediaType}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "Expected no 5xx and problem+json errors:\n" + string.Join("\n", offenders));
    }

    // With its secrets set, the Stripe webhook answers a missing signature with 400 rather than 503 (not configured).
    private static ConvergioFactory NewFactory(Db db) =>
        new(db, new Dictionary<string, string?> { ["Stripe:WebhookSecrets:0"] = TestKeys.StripeWebhookSecret() });

    private static async Task SendExpecting4xxProblemAsync(SignedInUser admin, HttpRequestMessage request, Operation operation, string accept, List<string> offenders)
    {
        using var response = await admin.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var status = (int)response.StatusCode;
        if (status is < 400 or >= 500 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            offenders.Add($"{operation.Key} Accept: {accept} -> {status} {response.Content.Headers.ContentType?.MediaType}");
        }
    }

    private static async Task<(SignedInUser Admin, List<Operation> Operations)> PrepareAsync(ConvergioFactory factory)
    {
        var admin = await factory.CreatePlatformAdminAsync();
        var org = await admin.CreateOrgAsync();
        using var client = factory.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!;
        var operations = new List<Operation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                operations.Add(new Operation(method.ToUpperInvariant(), path, operation!, document, org.Id));
            }
        }
        Assert.NotEmpty(operations);
        return (admin, operations);
    }

    /// <summary>One operation of the document and how to build a request for it from its parameters and body schema.</summary>
    private sealed record Operation(string Method, string Path, JsonNode Node, JsonNode Document, Guid OrgId)
    {
        public string Key => $"{Method} {Path}";

        private IEnumerable<JsonNode> Parameters => Node["parameters"]?.AsArray().Select(p => Resolve(p!)) ?? [];

        private JsonNode? BodySchema => Node["requestBody"]?["content"]?["application/json"]?["schema"] is { } schema ? Resolve(schema) : null;

        /// <summary>Whether a string can be sent anywhere but in the path (query or JSON body).</summary>
        public bool TakesText =>
            Parameters.Any(p => (string?)p["in"] == "query" && IsString(Resolve(p["schema"]!)))
            || BodySchema is { } body && HasString(body, 0);

        /// <summary>The request with <paramref name="text"/> in every query string and body string, or empty values when null.</summary>
        public HttpRequestMessage Request(string accept, string? text = null)
        {
            var path = Path;
            var query = new List<string>();
            foreach (var parameter in Parameters)
            {
                var name = (string)parameter["name"]!;
                if ((string?)parameter["in"] == "path")
                {
                    path = path.Replace("{" + name + "}", name == "orgId" ? OrgId.ToString() : Guid.NewGuid().ToString(), StringComparison.Ordinal);
                }
                else if ((string?)parameter["in"] == "query" && text is not null && IsString(Resolve(parameter["schema"]!)))
                {
                    query.Add($"{name}={Uri.EscapeDataString(text)}");
                }
            }
            var request = new HttpRequestMessage(new HttpMethod(Method), query.Count == 0 ? path : $"{path}?{string.Join("&", query)}");
            request.Headers.Accept.ParseAdd(accept);
            if (BodySchema is { } schema)
            {
                request.Content = new StringContent((Sample(schema, text, 0) ?? new JsonObject()).ToJsonString(), Encoding.UTF8, "application/json");
            }
            return request;
        }

        private JsonNode? Sample(JsonNode schema, string? text, int depth)
        {
            schema = Resolve(schema);
            if (depth > 5)
            {
                return null;
            }
            if (IsString(schema))
            {
                return text is null ? null : JsonValue.Create(text);
            }
            if (schema["properties"] is JsonObject properties)
            {
                var sample = new JsonObject();
                foreach (var (name, property) in properties)
                {
                    sample[name] = Sample(property!, text, depth + 1);
                }
                return sample;
            }
            return null;
        }

        private bool HasString(JsonNode schema, int depth)
        {
            schema = Resolve(schema);
            return depth <= 5 && (IsString(schema)
                || schema["properties"] is JsonObject properties && properties.Any(p => HasString(p.Value!, depth + 1)));
        }

        // OpenAPI 3.1 writes "type": ["string", "null"]; enums and formatted strings (uuid, date-time) are not free text.
        private static bool IsString(JsonNode schema) =>
            schema["enum"] is null && schema["format"] is null
            && (schema["type"] is JsonValue type ? (string?)type == "string" : schema["type"] is JsonArray types && types.Any(t => (string?)t == "string"));

        private JsonNode Resolve(JsonNode node)
        {
            while (node["$ref"] is { } reference)
            {
                node = ((string)reference!).TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries).Aggregate(Document, (n, segment) => n[segment]!);
            }
            return node;
        }
    }
}
