using System.ComponentModel.DataAnnotations;

namespace Convergio.Api.Tenancy;

public sealed class TenancyOptions
{
    public const string Section = "Tenancy";

    /// <summary>Where the emailed invitation link points; the token is appended as <c>?token=</c>.</summary>
    [Required, Url]
    public string InviteAcceptUrl { get; set; } = "https://app.convergio.io/invites/accept";

    /// <summary>How long an invitation can be accepted: 7 days unless configured, between an hour and 30 days.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "30.00:00:00")]
    public TimeSpan InviteLifetime { get; set; } = TimeSpan.FromDays(7);
}
