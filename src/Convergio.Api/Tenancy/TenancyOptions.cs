using System.ComponentModel.DataAnnotations;

namespace Convergio.Api.Tenancy;

public sealed class TenancyOptions
{
    public const string Section = "Tenancy";

    /// <summary>Where the emailed invitation link points; the token is appended as <c>?token=</c>.</summary>
    [Required, Url]
    public string InviteAcceptUrl { get; set; } = "https://app.convergio.io/invites/accept";

    /// <summary>How long an invitation can be accepted (the 7 days).</summary>
    public static readonly TimeSpan InviteLifetime = TimeSpan.FromDays(7);
}
