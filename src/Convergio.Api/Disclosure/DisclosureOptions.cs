using System.ComponentModel.DataAnnotations;

namespace Convergio.Api.Disclosure;

public sealed class DisclosureOptions
{
    public const string Section = "Disclosure";

    /// <summary>The published disclosure policy (SECURITY.md), linked from security.txt.</summary>
    public string PolicyUrl { get; set; } = "https://convergio.io/security-policy";

    /// <summary>Where this security.txt is canonically served (RFC 9116 section 2.5.2).</summary>
    public string CanonicalUrl { get; set; } = "https://convergio.io/.well-known/security.txt";

    /// <summary>
    /// How many times in any 60 minutes the emergency address may be paged, in total (critical reports
    /// and missed deadlines alike); further alerts reach the security address in one digest.
    /// </summary>
    [Range(1, 1000)]
    public int EmergencyPagesPerHour { get; set; } = 10;

    /// <summary>RFC 9116 requires web URIs in security.txt to be https.</summary>
    internal static bool IsHttpsUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.UserInfo);
}

/// <summary>Where vulnerability reports go: the addresses security.txt and SECURITY.md publish.</summary>
public static class SecurityContacts
{
    /// <summary>Every report.</summary>
    public const string Security = "security@convergio.io";

    /// <summary>Critical reports as well: the on-call address that pages someone.</summary>
    public const string Emergency = "security-emergency@convergio.io";
}
