using System.ComponentModel.DataAnnotations;

namespace Convergio.Api.Auth.Tokens;

/// <summary>API token settings (<c>Auth:ApiTokens</c>).</summary>
public sealed class ApiTokenOptions
{
    public const string Section = "Auth:ApiTokens";

    /// <summary>The longest expiry a new token may ask for.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Live tokens one user may hold; creating one more answers 409.</summary>
    [Range(1, 1000)]
    public int MaxTokensPerUser { get; set; } = 50;
}
