
namespace Convergio.Api.Edge;

/// <summary>The exact-origin allowlist, from <c>ALLOWED_ORIGINS</c> and <c>CORS_ALLOWED_ORIGINS</c> (both read, merged).</summary>
public static class CorsOrigins
{
    public const string AllowedOriginsKey = "ALLOWED_ORIGINS";
    public const string CorsAllowedOriginsKey = "CORS_ALLOWED_ORIGINS";

    public static readonly IReadOnlyList<string> ProductionDefaults =
        ["https://convergio.io", "https://www.convergio.io", "https://app.convergio.io"];

    /// <summary>The configured origins as written (trimmed), or the production defaults when none are.</summary>
    public static IReadOnlyList<string> Read(IConfiguration configuration, bool production)
    {
        var configured = new[] { configuration[AllowedOriginsKey], configuration[CorsAllowedOriginsKey] }
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .SelectMany(v => v!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return configured.Count == 0 && production ? ProductionDefaults : configured;
    }

    /// <summary>An exact origin: scheme and host (and port), nothing else.</summary>
    public static bool IsExactOrigin(string origin, bool requireHttps)
    {
        if (origin.Contains('*', StringComparison.Ordinal) || !Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return false;
        }
        var schemeOk = uri.Scheme == Uri.UriSchemeHttps || (!requireHttps && uri.Scheme == Uri.UriSchemeHttp);
        return schemeOk
            && string.IsNullOrEmpty(uri.UserInfo)
            && string.Equals(uri.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase);
    }
}

internal sealed class CorsOriginRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        foreach (var origin in CorsOrigins.Read(configuration, production: true))
        {
            if (!CorsOrigins.IsExactOrigin(origin, requireHttps: true))
            {
                yield return new(GuardSeverity.Error, "cors-origins", $"CORS origin '{origin}' is not an exact https://host[:port] origin (no wildcard, no path, no http).");
            }
        }
    }
}
