using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Convergio.Api.Observability;

/// <summary>
/// What counts as personal or secret in free text and in names of headers, query parameters and
/// data keys. Every scrubber (Sentry events, breadcrumbs, transactions) uses this one class, so
/// a new pattern protects every outlet at once.
/// </summary>
public static partial class PiiPatterns
{
    public const string Filtered = "[Filtered]";
    public const string EmailMask = "[email]";
    public const string IpMask = "[ip]";
    public const string SecretMask = "[secret]";

    /// <summary>
    /// Header, query, cookie and data keys whose values are credentials or session material:
    /// any name containing token, secret, password, key, session (the issue's list) plus the
    /// names that carry them under other words.
    /// </summary>
    [GeneratedRegex("token|secret|passw|pwd|key|session|cookie|authorization|csrf|xsrf|signature|credential|otp", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SensitiveName();

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+", RegexOptions.CultureInvariant)]
    internal static partial Regex Email();

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.]*\d)", RegexOptions.CultureInvariant)]
    internal static partial Regex IPv4();

    // Candidates only (hex groups and colons); IPAddress.TryParse decides, so "12:00:00" stays a time.
    [GeneratedRegex(@"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%[0-9A-Za-z]+)?(?![\w:])", RegexOptions.CultureInvariant)]
    internal static partial Regex IPv6Candidate();

    /// <summary>
    /// Credentials recognisable by shape: OpenAI/Anthropic-style <c>sk-…</c>, Stripe <c>sk_live_…</c>/<c>rk_test_…</c>,
    /// webhook secrets <c>whsec_…</c>, Fernet tokens (version byte 0x80 makes them start <c>gAAAAA</c>), bearer credentials.
    /// </summary>
    [GeneratedRegex(@"\bsk-[A-Za-z0-9_\-]{16,}|\b[rs]k_(?:live|test)_[A-Za-z0-9]{10,}|\bwhsec_[A-Za-z0-9+/=_\-]{10,}|\bgAAAAA[A-Za-z0-9_\-]{20,}={0,2}|\bBearer\s+[A-Za-z0-9._~+/\-]+=*", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    internal static partial Regex ApiKey();

    public static bool IsSensitiveName(string name) => SensitiveName().IsMatch(name);

    /// <summary>Masks emails, IP addresses and credential-shaped strings in free text.</summary>
    public static string? Mask(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }
        var masked = ApiKey().Replace(text, SecretMask);
        masked = Email().Replace(masked, EmailMask);
        masked = IPv6Candidate().Replace(masked, m =>
            IPAddress.TryParse(m.Value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 ? IpMask : m.Value);
        return IPv4().Replace(masked, IpMask);
    }

    /// <summary>The value to keep for a named value: filtered entirely when the name is sensitive, else masked.</summary>
    public static string? MaskNamed(string name, string? value) => IsSensitiveName(name) ? Filtered : Mask(value);

    /// <summary>A query string (with or without the leading '?') with sensitive parameters filtered and the rest masked.</summary>
    public static string? MaskQueryString(string? query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return query;
        }
        var leading = query.StartsWith('?') ? "?" : "";
        var pairs = query.TrimStart('?').Split('&').Select(pair =>
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator < 0)
            {
                return Mask(Uri.UnescapeDataString(pair));
            }
            var name = Uri.UnescapeDataString(pair[..separator]);
            return $"{pair[..separator]}={MaskNamed(name, Uri.UnescapeDataString(pair[(separator + 1)..]))}";
        });
        return leading + string.Join('&', pairs);
    }

    /// <summary>A URL without its query string (sent separately and filtered there) and with PII masked in the path.</summary>
    public static string? MaskUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return url;
        }
        var query = url.IndexOf('?', StringComparison.Ordinal);
        var withoutQuery = query < 0 ? url : url[..query];
        return Mask(Uri.UnescapeDataString(withoutQuery)) + (query < 0 ? "" : MaskQueryString(url[query..]));
    }
}
