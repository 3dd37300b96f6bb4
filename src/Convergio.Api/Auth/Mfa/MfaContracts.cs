namespace Convergio.Api.Auth.Mfa;

/// <summary>The second factor of a pending sign-in: a TOTP code or a recovery code.</summary>
public sealed record SecondFactorVerifyRequest(string? Code, string? RecoveryCode);

/// <summary>A current TOTP code, or an unused recovery code.</summary>
public sealed record SecondFactorCodeRequest(string? Code);

/// <summary>The new authenticator secret, its otpauth URI, and that URI as a QR code (an SVG data URL).</summary>
public sealed record TotpSetupResponse(string Secret, string OtpauthUri, string QrCodeDataUrl);

/// <summary>New recovery codes, shown this once.</summary>
public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

/// <summary>Audit action names of the second factor.</summary>
public static class MfaAuditActions
{
    public const string Enabled = "auth.mfa.enabled";
    public const string Disabled = "auth.mfa.disabled";
    public const string Verified = "auth.mfa.verified";
    public const string Failed = "auth.mfa.failed";
    public const string RecoveryCodeUsed = "auth.recovery_code.used";
    public const string RecoveryCodesRegenerated = "auth.recovery_code.regenerated";

    /// <summary>A request refused because the session was not signed in with two factors.</summary>
    public const string Required = "auth.mfa.required";
}
