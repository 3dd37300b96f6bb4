using System.ComponentModel.DataAnnotations;

namespace Convergio.Api.Account;

/// <summary>Email change settings, in the <c>Auth</c> section.</summary>
public sealed class AccountOptions
{
    /// <summary>Where the link mailed to the new address points; the token is appended as <c>?token=</c>.</summary>
    [Required, Url]
    public string EmailChangeConfirmUrl { get; set; } = "https://app.convergio.io/email-change/confirm";

    [Range(typeof(TimeSpan), "00:10:00", "1.00:00:00")]
    public TimeSpan EmailChangeTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
