namespace Convergio.Api.Platform;

/// <summary>Names of the cookies and headers of session authentication, device cookies and CSRF.</summary>
public static class AuthNames
{
    public const string Scheme = "Session";
    public const string SessionCookie = "session";
    public const string HostSessionCookie = "__Host-session";
    public const string DeviceCookie = "device";
    public const string HostDeviceCookie = "__Host-device";
    public const string CsrfCookie = "csrf_token";
    public const string CsrfHeader = "X-CSRF-Token";
    public const string PlatformAdminClaim = "convergio:platform_admin";
}
