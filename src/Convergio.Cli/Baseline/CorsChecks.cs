namespace Convergio.Cli.Baseline;

/// <summary>
/// CORS from the outside: origins that are not allowed, including look-alikes of the allowed one,
/// get no grant on a simple request or a preflight; a wildcard never comes with credentials; the
/// allowed origin (with --origin) is granted exactly, with credentials.
/// </summary>
internal sealed class CorsChecks : ICheckGroup
{
    private const string AllowOrigin = "Access-Control-Allow-Origin";
    private const string AllowCredentials = "Access-Control-Allow-Credentials";

    public IReadOnlyList<CheckDefinition> Checks =>
        [BaselineChecks.CorsDisallowedOrigins, BaselineChecks.CorsWildcardCredentials, BaselineChecks.CorsAllowedOrigin];

    public async Task<IReadOnlyList<CheckResult>> RunAsync(Probe probe, CancellationToken cancellationToken)
    {
        var target = probe.Target;
        var reference = target.AllowedOrigin ?? target.Frontend?.GetLeftPart(UriPartial.Authority) ?? target.ApiOrigin;
        var seen = new List<(string Origin, ProbeResponse Response)>();

        var grants = new List<string>();
        foreach (var origin in DisallowedOrigins(reference))
        {
            foreach (var response in await ExchangeAsync(probe, origin, cancellationToken))
            {
                seen.Add((origin, response));
                if (response.Header(AllowOrigin) is { } granted)
                {
                    grants.Add($"Origin {origin}: {response} with {AllowOrigin}: {granted}");
                }
            }
        }
        var disallowed = BaselineChecks.CorsDisallowedOrigins.PassUnless(grants,
            $"no grant for {seen.Select(s => s.Origin).Distinct().Count()} disallowed origins (look-alikes of {reference}, null, random), on GET and preflight");

        CheckResult allowed;
        if (target.AllowedOrigin is { } origin1)
        {
            var responses = await ExchangeAsync(probe, origin1, cancellationToken);
            seen.AddRange(responses.Select(r => (origin1, r)));
            var problems = responses
                .Where(r => r.Header(AllowOrigin) != origin1 || !IsTrue(r.Header(AllowCredentials)))
                .Select(r => $"{r}: {AllowOrigin}: {r.Header(AllowOrigin) ?? "absent"}, {AllowCredentials}: {r.Header(AllowCredentials) ?? "absent"}")
                .ToList();
            allowed = BaselineChecks.CorsAllowedOrigin.PassUnless(problems, $"{origin1} granted exactly, with credentials, on GET and preflight");
        }
        else
        {
            allowed = BaselineChecks.CorsAllowedOrigin.Skip("no --origin given");
        }

        var wildcards = seen
            .Where(s => s.Response.Header(AllowOrigin) == "*" && IsTrue(s.Response.Header(AllowCredentials)))
            .Select(s => $"Origin {s.Origin}: {s.Response} with {AllowOrigin}: * and {AllowCredentials}: true")
            .ToList();
        var wildcard = BaselineChecks.CorsWildcardCredentials.PassUnless(wildcards, $"no wildcard with credentials in {seen.Count} CORS responses");

        return [disallowed, wildcard, allowed];
    }

    /// <summary>A credentialed GET of an authenticated route and a preflight for a login POST, both from <paramref name="origin"/>.</summary>
    private static async Task<ProbeResponse[]> ExchangeAsync(Probe probe, string origin, CancellationToken cancellationToken) =>
    [
        await probe.GetAsync(ConvergioRoutes.Me, cancellationToken, ("Origin", origin)),
        await probe.SendAsync(HttpMethod.Options, ConvergioRoutes.Login, null, cancellationToken,
            ("Origin", origin),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", $"content-type,{ConvergioRoutes.CsrfHeader.ToLowerInvariant()}")),
    ];

    /// <summary>Origins no allowlist should contain: null, a random one, and look-alikes of <paramref name="reference"/>.</summary>
    internal static IReadOnlyList<string> DisallowedOrigins(string reference)
    {
        var uri = new Uri(reference);
        var port = uri.IsDefaultPort ? "" : $":{uri.Port}";
        var origins = new List<string>
        {
            "null",
            $"https://baseline-{Guid.NewGuid():N}.example",
            $"{uri.Scheme}://{uri.Host}.lookalike.example{port}",   // suffix: "starts with" matching
            $"{uri.Scheme}://lookalike{uri.Host}{port}",             // prefix: "ends with" matching
            $"{uri.Scheme}://lookalike.{uri.Host}{port}",            // subdomain: wildcard-subdomain matching
        };
        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            origins.Add($"http://{uri.Host}{port}");                  // scheme downgrade
        }
        return origins;
    }

    private static bool IsTrue(string? value) => string.Equals(value?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
}
