using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Convergio.Cli.Baseline;

/// <summary>
/// ratelimit.auth: failed logins, each for another address that does not exist, one after another,
/// until the first 429 or 20 attempts. A new address per attempt means a per-account lockout or
/// sign-in penalty cannot be what answers 429: only a limit per client is measured. Runs last: it
/// spends this client's auth budget for the window.
/// </summary>
internal sealed partial class RateLimitCheck : ICheckGroup
{
    public const int MaxAttempts = 20;

    private static readonly string[] LimitHeaders = ["RateLimit-Policy", "RateLimit", "RateLimit-Limit", "X-RateLimit-Limit"];

    public IReadOnlyList<CheckDefinition> Checks => [BaselineChecks.AuthRateLimit];

    public async Task<IReadOnlyList<CheckResult>> RunAsync(Probe probe, CancellationToken cancellationToken)
    {
        var responses = new List<ProbeResponse>();
        while (responses.Count < MaxAttempts && responses.LastOrDefault()?.Status != 429)
        {
            var body = JsonSerializer.Serialize(new
            {
                email = $"baseline-{Guid.NewGuid():N}@example.invalid",
                password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)),
            });
            responses.Add(await probe.SendAsync(HttpMethod.Post, ConvergioRoutes.Login, body, cancellationToken));
        }
        return [Judge(responses)];
    }

    private static CheckResult Judge(List<ProbeResponse> responses)
    {
        var check = BaselineChecks.AuthRateLimit;
        var statuses = string.Join(",", responses.Select(r => r.Status));
        var rejected = responses.FindIndex(r => r.Status == 429);
        if (rejected < 0)
        {
            return check.Fail($"{responses.Count} failed logins, none answered 429 (statuses {statuses})");
        }

        var rejection = responses[rejected];
        var headers = responses.SelectMany(r => LimitHeaders.Where(h => r.Header(h) is not null).Select(h => (Name: h, Value: r.Header(h)!)))
            .DistinctBy(h => h.Name).ToList();
        var retryAfter = rejection.Header("Retry-After");
        var limit = AdvertisedLimit(headers);

        var problems = new List<string>();
        if (retryAfter is null || !(int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out _) || DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, out _)))
        {
            problems.Add($"the 429 has no valid Retry-After ({retryAfter ?? "absent"})");
        }
        if (headers.Count == 0)
        {
            problems.Add($"no RateLimit headers ({string.Join(", ", LimitHeaders)})");
        }
        if (limit is { } permitted && rejected + 1 > permitted + 1)
        {
            problems.Add($"the advertised limit is {permitted} but 429 came only at attempt {rejected + 1}");
        }

        var evidence = $"429 at attempt {rejected + 1} (statuses {statuses}); Retry-After: {retryAfter ?? "absent"}; " +
            (headers.Count == 0 ? "no RateLimit headers" : string.Join("; ", headers.Select(h => $"{h.Name}: {h.Value}")));
        return problems.Count == 0 ? check.Pass(evidence) : check.Fail($"{string.Join("; ", problems)} — {evidence}");
    }

    /// <summary>The request quota the server advertises: q= of RateLimit-Policy, else a *-Limit header.</summary>
    private static int? AdvertisedLimit(List<(string Name, string Value)> headers)
    {
        foreach (var (name, value) in headers)
        {
            var match = name == "RateLimit-Policy" ? Quota().Match(value) : name.EndsWith("Limit", StringComparison.Ordinal) ? LeadingNumber().Match(value) : Match.Empty;
            if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
            {
                return limit;
            }
        }
        return null;
    }

    [GeneratedRegex(@"\bq=(\d+)")]
    private static partial Regex Quota();

    [GeneratedRegex(@"^\s*(\d+)")]
    private static partial Regex LeadingNumber();
}
