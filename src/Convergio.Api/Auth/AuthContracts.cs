using Convergio.Api.Edge;

namespace Convergio.Api.Auth;

public sealed record RegisterRequest(string Email, string Password, string? FullName) : IAccountScopedRequest;

public sealed record LoginRequest(string Email, string Password) : IAccountScopedRequest;

public sealed record ChangePasswordRequest(string CurrentPassword, string NewPassword);

public sealed record ForgotPasswordRequest(string Email) : IAccountScopedRequest;

public sealed record ResetPasswordRequest(string Token, string NewPassword);

/// <param name="PlatformAdmin">Whether the user administers the platform (the console shows its admin pages); the API decides on every request.</param>
public sealed record UserResponse(Guid Id, string Email, string? FullName, string Tier, bool EmailVerified, bool MfaEnabled, bool PlatformAdmin)
{
    public static UserResponse From(User user, bool mfaEnabled = false) =>
        new(user.Id, user.Email, user.FullName, user.Tier, user.EmailVerifiedAt is not null, mfaEnabled, user.IsPlatformAdmin);
}

public sealed record CsrfResponse(string Token);

/// <summary>
/// One live session as its owner sees it: where, when, and how it signed in. A pending session
/// (password right, second factor not given) is listed too, since the user may not have started it.
/// <c>DeviceId</c> is the browser's device cookie id: sessions sharing one came from the same browser.
/// </summary>
public sealed record SessionResponse(
    Guid Id, DateTime CreatedAt, DateTime LastSeenAt, string? Ip, string? UserAgent, bool Current,
    string Method, DateTime AuthenticatedAt, DateTime? ReauthenticatedAt, bool SecondFactorPending, Guid? DeviceId);

public sealed record AcceptedResponse(string Message);

public sealed record UpdateProfileRequest(string? FullName);

/// <summary>Audit action names written by sign-in and session endpoints.</summary>
public static class AuthAuditActions
{
    public const string Register = "auth.register";
    public const string RegisterExisting = "auth.register.existing";
    public const string LoginSucceeded = "auth.login.succeeded";
    public const string LoginFailed = "auth.login.failed";
    public const string Logout = "auth.logout";
    public const string PasswordChanged = "auth.password.changed";
    public const string PasswordResetRequested = "auth.password.reset_requested";
    public const string PasswordReset = "auth.password.reset";
    public const string SessionRevoked = "auth.session.revoked";
    public const string ProfileUpdated = "auth.profile.updated";
}
