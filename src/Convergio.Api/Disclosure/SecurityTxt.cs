using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Disclosure;

/// <summary><c>GET /.well-known/security.txt</c> (RFC 9116).</summary>
public static class SecurityTxt
{
    public const string ContentType = "text/plain; charset=utf-8";

    /// <summary>
    /// How far ahead <c>Expires</c> is: RFC 9116 asks for less than a year, so a stale copy
    /// (a mirror, a cache) stops being trusted within months. Counted from the start of the
    /// current UTC day, so the file is the same all day.
    /// </summary>
    public static readonly TimeSpan ExpiresAfter = TimeSpan.FromDays(180);

    internal static IResult Get(TimeProvider time, IOptions<DisclosureOptions> options)
    {
        var expires = time.GetUtcNow().UtcDateTime.Date + ExpiresAfter;
        var text = new StringBuilder()
            .Append("# Convergio vulnerability disclosure. How to report and what to expect: see Policy.\n")
            .Append(CultureInfo.InvariantCulture, $"Contact: mailto:{SecurityContacts.Security}\n")
            .Append(CultureInfo.InvariantCulture, $"Contact: mailto:{SecurityContacts.Emergency}\n")
            .Append(CultureInfo.InvariantCulture, $"Expires: {expires:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\n")
            .Append("Preferred-Languages: en\n")
            .Append(CultureInfo.InvariantCulture, $"Policy: {options.Value.PolicyUrl}\n")
            .Append(CultureInfo.InvariantCulture, $"Canonical: {options.Value.CanonicalUrl}\n")
            .ToString();
        return TypedResults.Text(text, ContentType, Encoding.UTF8);
    }
}
