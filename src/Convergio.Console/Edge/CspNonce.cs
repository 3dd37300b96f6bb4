using Microsoft.AspNetCore.WebUtilities;
using System.Security.Cryptography;

namespace Convergio.WebConsole.Edge;

/// <summary>
/// The Content-Security-Policy nonce of the current response: 128 random bits, fresh per request,
/// created on first use. A page puts it on its script and style tags; the security headers put
/// the same value in the policy.
/// </summary>
public static class CspNonce
{
    public static string GetCspNonce(this HttpContext context)
    {
        if (context.Features.Get<Feature>() is { } existing)
        {
            return existing.Value;
        }
        // base64url (valid CSP nonce characters) so HTML-encoding in a page never changes the value.
        var feature = new Feature(WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16)));
        context.Features.Set(feature);
        return feature.Value;
    }

    private sealed record Feature(string Value);
}
