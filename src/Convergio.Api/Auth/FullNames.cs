namespace Convergio.Api.Auth;

/// <summary>The one rule for a user's full name, at sign-up and in the profile (line breaks are refused by Edge/PlainTextInput).</summary>
internal static class FullNames
{
    public const int MaxLength = 200;

    /// <summary>Trimmed, or null for an empty name.</summary>
    public static string? Normalize(string? fullName) => string.IsNullOrWhiteSpace(fullName) ? null : fullName.Trim();

    /// <summary>Why a normalized name is refused, or null.</summary>
    public static string? Problem(string? normalized) =>
        normalized?.Length > MaxLength ? $"Full name must be at most {MaxLength} characters." : null;
}
