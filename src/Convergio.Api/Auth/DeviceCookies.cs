using Convergio.Api.Edge;
using Convergio.Api.Secrets;

namespace Convergio.Api.Auth;

/// <summary>
/// Device cookies, as OWASP's "Slow down online guessing attacks with device cookies" describes
/// them: a successful sign-in leaves <c>deviceId.accountDigest.signature</c> in an HttpOnly cookie,
/// where the account digest is a keyed HMAC of the normalized email (never the email itself) and
/// the signature covers both, with the signing key ring. A sign-in attempt that presents a valid
/// cookie for its account is limited per device, so failures piled up by whoever lacks one
/// (an attacker anywhere) cannot lock the owner's own browser out.
/// </summary>
public sealed class DeviceCookies(SigningKeyRing keys, AuthCookies cookies) : IKnownDevices
{
    private const string AccountPurpose = "device-account";
    private const string CookiePurpose = "device-cookie";

    public Guid? PresentedFor(HttpContext http, string normalizedEmail)
    {
        if (!http.Request.Cookies.TryGetValue(cookies.DeviceCookieName, out var value) || value is null
            || value.Split('.') is not [var device, var account, var signature]
            || !Guid.TryParseExact(device, "N", out var deviceId))
        {
            return null;
        }
        return keys.Verify(CookiePurpose, $"{device}.{account}", signature) && keys.Verify(AccountPurpose, normalizedEmail, account) ? deviceId : null;
    }

    /// <summary>Sets the cookie that names <paramref name="deviceId"/> as a device this account signed in from.</summary>
    public void Issue(HttpContext http, Guid deviceId, string normalizedEmail)
    {
        var payload = $"{deviceId:N}.{keys.Sign(AccountPurpose, normalizedEmail)}";
        http.Response.Cookies.Append(cookies.DeviceCookieName, $"{payload}.{keys.Sign(CookiePurpose, payload)}", cookies.DeviceOptions());
    }
}
