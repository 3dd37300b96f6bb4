namespace Convergio.Cli.Baseline;

/// <summary>Security headers on an API response (an anonymous GET of /api/v1/auth/me) and, with --frontend, the frontend's script policy.</summary>
internal sealed class HeaderChecks : ICheckGroup
{
    private static readonly string[] SafeReferrerPolicies = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"];
    private static readonly string[] FrameworkHeaders = ["X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version"];

    public IReadOnlyList<CheckDefinition> Checks =>
    [
        BaselineChecks.Csp, BaselineChecks.Framing, BaselineChecks.NoSniff,
        BaselineChecks.ReferrerPolicy, BaselineChecks.NoVersionLeak, BaselineChecks.FrontendCsp,
    ];

    public async Task<IReadOnlyList<CheckResult>> RunAsync(Probe probe, CancellationToken cancellationToken)
    {
        var api = await probe.GetAsync(ConvergioRoutes.Me, cancellationToken);
        return
        [
            Csp(api), Framing(api), NoSniff(api), ReferrerPolicy(api), NoVersionLeak(api),
            probe.Target.Frontend is { } frontend
                ? FrontendCsp(await probe.SendAsync(HttpMethod.Get, frontend, null, [], cancellationToken))
                : BaselineChecks.FrontendCsp.Skip("no --frontend given"),
        ];
    }

    private static CheckResult Csp(ProbeResponse response)
    {
        var policies = ContentSecurityPolicy.Of(response);
        if (policies.Count == 0)
        {
            return BaselineChecks.Csp.Fail($"{response}: no Content-Security-Policy header");
        }

        var problems = policies.Select(p => (Policy: p, Problems: ScriptProblems(p).Concat(ObjectProblems(p)).ToList())).ToList();
        return problems.FirstOrDefault(p => p.Problems.Count == 0) is { Policy: { } good }
            ? BaselineChecks.Csp.Pass($"Content-Security-Policy: {good}")
            : BaselineChecks.Csp.Fail(string.Join("; ", problems.Select(p => $"Content-Security-Policy: {p.Policy}: {string.Join(", ", p.Problems)}")));
    }

    private static IEnumerable<string> ScriptProblems(ContentSecurityPolicy policy)
    {
        var script = policy.Effective("script-src");
        if (script is null)
        {
            yield return "neither script-src nor default-src restricts scripts";
            yield break;
        }
        foreach (var unsafeKeyword in new[] { "unsafe-inline", "unsafe-eval" }.Where(k => ContentSecurityPolicy.Has(script, k)))
        {
            yield return $"script-src allows '{unsafeKeyword}'";
        }
    }

    private static IEnumerable<string> ObjectProblems(ContentSecurityPolicy policy)
    {
        if (!ContentSecurityPolicy.IsNone(policy.Effective("object-src")))
        {
            yield return "neither object-src nor default-src is 'none'";
        }
    }

    private static CheckResult Framing(ProbeResponse response)
    {
        var ancestors = ContentSecurityPolicy.Of(response).Select(p => p.Directive("frame-ancestors")).FirstOrDefault(d => d is not null && !d.Contains("*"));
        var frameOptions = response.Header("X-Frame-Options")?.Trim();
        var evidence = $"frame-ancestors: {(ancestors is null ? "absent" : string.Join(' ', ancestors))}, X-Frame-Options: {frameOptions ?? "absent"}";
        var denied = ancestors is not null
            || string.Equals(frameOptions, "DENY", StringComparison.OrdinalIgnoreCase)
            || string.Equals(frameOptions, "SAMEORIGIN", StringComparison.OrdinalIgnoreCase);
        return denied ? BaselineChecks.Framing.Pass(evidence) : BaselineChecks.Framing.Fail($"{response}: {evidence}");
    }

    private static CheckResult NoSniff(ProbeResponse response)
    {
        var value = response.Header("X-Content-Type-Options")?.Trim();
        return string.Equals(value, "nosniff", StringComparison.OrdinalIgnoreCase)
            ? BaselineChecks.NoSniff.Pass("X-Content-Type-Options: nosniff")
            : BaselineChecks.NoSniff.Fail($"{response}: X-Content-Type-Options: {value ?? "absent"}");
    }

    private static CheckResult ReferrerPolicy(ProbeResponse response)
    {
        var header = response.Header("Referrer-Policy");
        // Browsers apply the last policy token they understand.
        var effective = header?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return effective is not null && SafeReferrerPolicies.Contains(effective, StringComparer.OrdinalIgnoreCase)
            ? BaselineChecks.ReferrerPolicy.Pass($"Referrer-Policy: {header}")
            : BaselineChecks.ReferrerPolicy.Fail($"{response}: Referrer-Policy: {header ?? "absent"}");
    }

    private static CheckResult NoVersionLeak(ProbeResponse response)
    {
        var problems = new List<string>();
        if (response.Header("Server") is { } server && server.Any(char.IsDigit))
        {
            problems.Add($"Server: {server}");
        }
        problems.AddRange(FrameworkHeaders.Where(h => response.Header(h) is not null).Select(h => $"{h}: {response.Header(h)}"));
        return BaselineChecks.NoVersionLeak.PassUnless(problems,
            $"Server: {response.Header("Server") ?? "absent"}; no X-Powered-By or X-AspNet(Mvc)-Version");
    }

    private static CheckResult FrontendCsp(ProbeResponse response)
    {
        var policies = ContentSecurityPolicy.Of(response);
        if (policies.Count == 0)
        {
            return BaselineChecks.FrontendCsp.Fail($"{response}: no Content-Security-Policy header");
        }

        var problems = policies.Select(p => (Policy: p, Problems: ScriptProblems(p).Concat(StrictSourceProblems(p)).ToList())).ToList();
        return problems.FirstOrDefault(p => p.Problems.Count == 0) is { Policy: { } good }
            ? BaselineChecks.FrontendCsp.Pass($"Content-Security-Policy: {good}")
            : BaselineChecks.FrontendCsp.Fail(string.Join("; ", problems.Select(p => $"Content-Security-Policy: {p.Policy}: {string.Join(", ", p.Problems)}")));
    }

    private static IEnumerable<string> StrictSourceProblems(ContentSecurityPolicy policy)
    {
        var script = policy.Effective("script-src") ?? [];
        var strict = script.Any(s => s.StartsWith("'nonce-", StringComparison.OrdinalIgnoreCase)
                                     || s.StartsWith("'sha256-", StringComparison.OrdinalIgnoreCase)
                                     || s.StartsWith("'sha384-", StringComparison.OrdinalIgnoreCase)
                                     || s.StartsWith("'sha512-", StringComparison.OrdinalIgnoreCase));
        if (!strict)
        {
            yield return "script-src has no nonce or hash source";
        }
    }
}
