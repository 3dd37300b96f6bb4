using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth;

/// <summary>Names and attributes of the session, device and CSRF cookies, in one place.</summary>
public sealed class AuthCookies(IOptions<AuthOptions> options, IHostEnvironment environment)
{
    public string SessionCookieName => options.Value.SessionCookieName is { Length: > 0 } name
        ? name
        : environment.IsProduction() ? AuthNames.HostSessionCookie : AuthNames.SessionCookie;

    public string DeviceCookieName => environment.IsProduction() ? AuthNames.HostDeviceCookie : AuthNames.DeviceCookie;

    /// <summary>The device cookie outlives sessions: HttpOnly, SameSite=Lax, Secure in Production, one year.</summary>
    public CookieOptions DeviceOptions()
    {
        var device = Options(httpOnly: true);
        device.MaxAge = DeviceLifetime;
        return device;
    }

    public static readonly TimeSpan DeviceLifetime = TimeSpan.FromDays(365);

    /// <summary>
    /// Path=/ and no Domain (required by the <c>__Host-</c> prefix); SameSite=Lax; Secure in
    /// Production; Max-Age the absolute session lifetime (7 days at most).
    /// </summary>
    public CookieOptions Options(bool httpOnly) => new()
    {
        HttpOnly = httpOnly,
        SameSite = SameSiteMode.Lax,
        Secure = environment.IsProduction(),
        Path = "/",
        IsEssential = true,
        MaxAge = options.Value.AbsoluteLifetime,
    };

    /// <summary>
    /// The same attributes with Max-Age=0 and an expiry in the past, so the browser drops the cookie
    /// (a deletion must match the cookie's name, path and prefix rules to replace it).
    /// </summary>
    public CookieOptions Expired(bool httpOnly)
    {
        var expired = Options(httpOnly);
        expired.MaxAge = TimeSpan.Zero;
        expired.Expires = DateTimeOffset.UnixEpoch;
        return expired;
    }
}
