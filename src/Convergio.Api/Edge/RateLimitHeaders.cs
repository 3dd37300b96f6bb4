using System.Globalization;

namespace Convergio.Api.Edge;

/// <summary>
/// The rate-limit headers of one response: the IETF httpapi draft pair
/// (<c>RateLimit-Policy: "general";q=100;w=60</c>, <c>RateLimit: "general";r=42;t=17</c>), one
/// list item per bucket of the caller's own the request was counted in (never a per-account
/// bucket, which others' requests move), and the de-facto <c>X-RateLimit-Limit</c>,
/// <c>-Remaining</c>, <c>-Reset</c> (seconds) for the tightest bucket. Written as the response
/// starts, so they survive the exception handler clearing headers.
/// </summary>
public sealed class RateLimitHeaders
{
    public const string Policy = "RateLimit-Policy";
    public const string Current = "RateLimit";
    public const string Limit = "X-RateLimit-Limit";
    public const string Remaining = "X-RateLimit-Remaining";
    public const string Reset = "X-RateLimit-Reset";

    private readonly List<Entry> _entries = [];

    public static RateLimitHeaders For(HttpContext context)
    {
        if (context.Features.Get<RateLimitHeaders>() is { } existing)
        {
            return existing;
        }
        var headers = new RateLimitHeaders();
        context.Features.Set(headers);
        context.Response.OnStarting(() => headers.WriteTo(context.Response));
        return headers;
    }

    public void Add(string policy, RateLimitBudget budget, RateLimitDecision decision) =>
        _entries.Add(new(policy, budget.PermitLimit, budget.WindowSeconds, Math.Max(0, decision.Remaining), Seconds(decision.Reset)));

    /// <summary>Whole seconds, rounded up: a client that waits this long is never early.</summary>
    public static int Seconds(TimeSpan span) => (int)Math.Max(1, Math.Ceiling(span.TotalSeconds));

    private Task WriteTo(HttpResponse response)
    {
        if (_entries.Count == 0)
        {
            return Task.CompletedTask;
        }
        var invariant = CultureInfo.InvariantCulture;
        response.Headers[Policy] = string.Join(", ", _entries.Select(e => string.Create(invariant, $"\"{e.Policy}\";q={e.Limit};w={e.WindowSeconds}")));
        response.Headers[Current] = string.Join(", ", _entries.Select(e => string.Create(invariant, $"\"{e.Policy}\";r={e.Remaining};t={e.ResetSeconds}")));
        var tightest = _entries.OrderBy(e => e.Remaining).ThenByDescending(e => e.ResetSeconds).First();
        response.Headers[Limit] = tightest.Limit.ToString(invariant);
        response.Headers[Remaining] = tightest.Remaining.ToString(invariant);
        response.Headers[Reset] = tightest.ResetSeconds.ToString(invariant);
        return Task.CompletedTask;
    }

    private sealed record Entry(string Policy, int Limit, int WindowSeconds, int Remaining, int ResetSeconds);
}
