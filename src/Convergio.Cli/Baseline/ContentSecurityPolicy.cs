namespace Convergio.Cli.Baseline;

/// <summary>A parsed Content-Security-Policy: directive name to source list (the first occurrence wins, as in browsers).</summary>
internal sealed class ContentSecurityPolicy
{
    private readonly Dictionary<string, string[]> _directives = new(StringComparer.OrdinalIgnoreCase);

    private ContentSecurityPolicy(string text)
    {
        Text = text;
        foreach (var directive in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = directive.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0)
            {
                _directives.TryAdd(parts[0], parts[1..]);
            }
        }
    }

    public string Text { get; }

    /// <summary>Every enforced policy of a response (report-only policies enforce nothing).</summary>
    public static IReadOnlyList<ContentSecurityPolicy> Of(ProbeResponse response) =>
        response.Headers("Content-Security-Policy")
            .SelectMany(h => h.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(p => new ContentSecurityPolicy(p))
            .ToList();

    public string[]? Directive(string name) => _directives.GetValueOrDefault(name);

    /// <summary>The directive, or default-src when it is absent (fetch-directive fallback).</summary>
    public string[]? Effective(string name) => Directive(name) ?? Directive("default-src");

    public static bool Has(string[] sources, string keyword) => sources.Any(s => s.Equals($"'{keyword}'", StringComparison.OrdinalIgnoreCase));

    public static bool IsNone(string[]? sources) => sources is [var only] && only.Equals("'none'", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Text;
}
