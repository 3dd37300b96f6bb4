using System.Text.Json;
using System.Text.RegularExpressions;

namespace Convergio.Cli.Baseline;

/// <summary>
/// auth.required: every route of the deployment's OpenAPI document (when it serves one) or of the
/// known Convergio routes answers 401 without a session, except the public list; auth.health: the
/// health endpoints answer anonymously.
/// </summary>
internal sealed partial class AuthChecks : ICheckGroup
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    private const int MaxListed = 10;

    public IReadOnlyList<CheckDefinition> Checks => [BaselineChecks.AuthRequired, BaselineChecks.AuthHealth];

    public async Task<IReadOnlyList<CheckResult>> RunAsync(Probe probe, CancellationToken cancellationToken)
    {
        var (routes, source) = await RoutesAsync(probe, cancellationToken);
        var swept = routes.Where(r => !ConvergioRoutes.IsPublic(r.Method, r.Path)).ToList();
        var offenders = new List<string>();
        foreach (var (method, template) in swept)
        {
            var hasBody = method is "POST" or "PUT" or "PATCH";
            var response = await probe.SendAsync(new HttpMethod(method), Fill(template), hasBody ? "{}" : null, cancellationToken);
            if (response.Status != 401)
            {
                offenders.Add(response.ToString());
            }
        }
        var required = offenders.Count == 0
            ? BaselineChecks.AuthRequired.Pass($"{swept.Count} routes from {source} answered 401 without a session ({routes.Count - swept.Count} public skipped)")
            : BaselineChecks.AuthRequired.Fail($"{offenders.Count} of {swept.Count} routes from {source} did not answer 401: " +
                string.Join(", ", offenders.Take(MaxListed)) + (offenders.Count > MaxListed ? ", …" : ""));

        var live = await probe.GetAsync(ConvergioRoutes.HealthLive, cancellationToken);
        var ready = await probe.GetAsync(ConvergioRoutes.HealthReady, cancellationToken);
        var health = BaselineChecks.AuthHealth.PassUnless(
            new[] { live, ready }.Where(r => r.Status != 200).Select(r => $"{r}, expected 200").ToList(),
            $"{live}, {ready}");
        return [required, health];
    }

    /// <summary>The deployment's own route list when it serves an OpenAPI document, else the built-in one.</summary>
    private static async Task<(IReadOnlyList<(string Method, string Path)> Routes, string Source)> RoutesAsync(Probe probe, CancellationToken cancellationToken)
    {
        var document = await probe.GetAsync(ConvergioRoutes.OpenApiDocument, cancellationToken);
        if (document.Status == 200 && OpenApiRoutes(document.Body) is { Count: > 0 } routes)
        {
            return (routes, $"the OpenAPI document {ConvergioRoutes.OpenApiDocument}");
        }
        return (ConvergioRoutes.Authenticated, "the built-in Convergio route list");
    }

    internal static IReadOnlyList<(string Method, string Path)>? OpenApiRoutes(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (!document.RootElement.TryGetProperty("paths", out var paths) || paths.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            return paths.EnumerateObject()
                .Where(p => !ConvergioRoutes.DocumentationPrefixes.Any(d => p.Name.StartsWith(d, StringComparison.OrdinalIgnoreCase)))
                .SelectMany(p => p.Value.ValueKind != JsonValueKind.Object ? [] : p.Value.EnumerateObject()
                    .Select(o => o.Name.ToUpperInvariant())
                    .Where(m => Methods.Contains(m))
                    .Select(m => (m, p.Name)))
                .ToList();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Path parameters get a well-formed id that names nothing, so only authentication can refuse.</summary>
    private static string Fill(string template) => Parameter().Replace(template, _ => Guid.NewGuid().ToString());

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
