using System.Text.RegularExpressions;

namespace Convergio.Cli.Baseline;

/// <summary>Errors are problem+json and say nothing about the code behind them.</summary>
internal sealed partial class ErrorChecks : ICheckGroup
{
    public IReadOnlyList<CheckDefinition> Checks => [BaselineChecks.MalformedJson, BaselineChecks.UnknownRoute];

    public async Task<IReadOnlyList<CheckResult>> RunAsync(Probe probe, CancellationToken cancellationToken)
    {
        // Cut off mid-document: no server can bind it, so the answer shows how bad input is handled.
        var malformed = await probe.SendAsync(HttpMethod.Post, ConvergioRoutes.Login, """{"email": "baseline@example.invalid", "password": """, cancellationToken);
        var unknown = await probe.GetAsync($"/api/v1/baseline-probe-{Guid.NewGuid():N}", cancellationToken);
        return [Judge(BaselineChecks.MalformedJson, malformed), Judge(BaselineChecks.UnknownRoute, unknown)];
    }

    private static CheckResult Judge(CheckDefinition check, ProbeResponse response)
    {
        var problems = new List<string>();
        if (response.Status == 429)
        {
            problems.Add("rate limited before the body was read; run again after Retry-After");
        }
        else if (response.Status is < 400 or >= 500)
        {
            problems.Add("expected a 4xx status");
        }
        if (!response.IsProblemJson)
        {
            problems.Add($"Content-Type is {response.ContentType ?? "absent"}, not application/problem+json");
        }
        if (Internals(response.Body) is { } leak)
        {
            problems.Add($"the body shows internals: \"{leak}\"");
        }
        return check.PassUnless(problems.Select(p => $"{response}: {p}").ToList(), $"{response}, {response.ContentType}, no internals");
    }

    /// <summary>The first sign of a stack trace or framework internals in a body, or null.</summary>
    public static string? Internals(string body) =>
        InternalsPattern().Match(body) is { Success: true } match ? match.Value : null;

    // Stack frames, source positions, exception type names, framework namespaces, debug fields.
    [GeneratedRegex("""\bat [\w.`<>]+\.[\w`<>]+\(|\.cs:line \d+|\b\w+Exception\b|\b(?:System|Microsoft)\.[A-Z]\w*\.|"(?:stackTrace|exception|exceptionDetails|innerException)"\s*:""", RegexOptions.IgnoreCase)]
    private static partial Regex InternalsPattern();
}
