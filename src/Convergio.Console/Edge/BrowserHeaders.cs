using Microsoft.Net.Http.Headers;

namespace Convergio.WebConsole.Edge;

/// <summary>
/// The headers every response of both hosts carries, whatever its content: no sniffing, no framing
/// (unless same-origin framing is allowed), a strict referrer, no powerful features, isolation
/// from other origins' windows and no reads by other sites. The CSP is chosen by each host.
/// </summary>
public static class BrowserHeaders
{
    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
    public const string HstsValue = "max-age=63072000; includeSubDomains";

    public static void Apply(IHeaderDictionary headers, bool sameOriginFraming)
    {
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = sameOriginFraming ? "SAMEORIGIN" : "DENY";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers["Permissions-Policy"] = PermissionsPolicy;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-site";
        headers.Remove(HeaderNames.Server);
    }
}
