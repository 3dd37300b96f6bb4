using System.ComponentModel.DataAnnotations;

namespace Convergio.WebConsole;

/// <summary>The <c>Console</c> section: whether the API host serves the console, and where the console finds the API.</summary>
public sealed class ConsoleOptions : IValidatableObject
{
    public const string Section = "Console";

    /// <summary>The API host serves the console at <c>/</c> (same origin). Default: true in Development.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The API's origin (<c>https://api.convergio.io</c>), for a console on another origin; empty when the
    /// API serves the console itself. The browser calls it, and only it, from console pages (connect-src).
    /// </summary>
    public string ApiBaseUrl { get; set; } = "";

    /// <summary>The origin the pages call and report CSP violations to; empty means the page's own.</summary>
    public string ApiOrigin => ApiBaseUrl.TrimEnd('/');

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ApiBaseUrl.Length > 0
            && (!Uri.TryCreate(ApiBaseUrl, UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https")
                || !string.Equals(uri.GetLeftPart(UriPartial.Authority), ApiOrigin, StringComparison.OrdinalIgnoreCase)))
        {
            yield return new($"{Section}:ApiBaseUrl must be an origin (scheme://host[:port]), not '{ApiBaseUrl}'.", [nameof(ApiBaseUrl)]);
        }
    }
}
