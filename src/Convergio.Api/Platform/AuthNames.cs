namespace Convergio.Api.Platform;

/// <summary>Names of the authentication schemes, and of the cookies and headers of session authentication, device cookies and CSRF.</summary>
public static class AuthNames
{
    /// <summary>The scheme every policy names: the API token scheme when a bearer credential is presented, else the session cookie.</summary>
    public const string Scheme = "Convergio";

    public const string SessionScheme = "Session";
    public const string TokenScheme = "ApiToken";
    public const string SessionCookie = "session";
    public const string HostSessionCookie = "__Host-session";
    public const string DeviceCookie = "device";
    public const string HostDeviceCookie = "__Host-device";
    public const string CsrfCookie = "csrf_token";
    public const string CsrfHeader = "X-CSRF-Token";
    public const string PlatformAdminClaim = "convergio:platform_admin";
}
