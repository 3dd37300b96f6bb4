using System.ComponentModel.DataAnnotations;

namespace Convergio.Api.Auth.StepUp;

/// <summary>Step-up settings, in the <c>Auth</c> section beside the other session settings.</summary>
public sealed class StepUpOptions
{
    /// <summary>How long a sign-in or reauthentication counts as recent for sensitive actions.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "01:00:00")]
    public TimeSpan StepUpWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many password or code attempts reauthentication allows per user in <see cref="ReauthenticationAttemptWindow"/>.</summary>
    [Range(1, 20)]
    public int ReauthenticationAttempts { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan ReauthenticationAttemptWindow { get; set; } = TimeSpan.FromMinutes(15);
}
