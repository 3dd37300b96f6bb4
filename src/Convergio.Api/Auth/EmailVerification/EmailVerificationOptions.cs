using System.ComponentModel.DataAnnotations;

namespace Convergio.Api.Auth.EmailVerification;

/// <summary>Email verification settings, in the <c>Auth</c> section.</summary>
public sealed class EmailVerificationOptions
{
    /// <summary>Whether features that reach other people or spend money (invites, provider keys) wait for a verified email. Default: on in Production only.</summary>
    public bool RequireVerifiedEmail { get; set; }

    /// <summary>Where the emailed link points; the token is appended as <c>?token=</c>.</summary>
    [Required, Url]
    public string VerifyEmailUrl { get; set; } = "https://app.convergio.io/verify-email";

    [Range(typeof(TimeSpan), "00:10:00", "7.00:00:00")]
    public TimeSpan VerificationTokenLifetime { get; set; } = TimeSpan.FromHours(24);
}
