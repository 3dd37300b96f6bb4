namespace Convergio.Api.Platform;

/// <summary>Names of authorization policies endpoints require.</summary>
public static class AuthorizationPolicies
{
    /// <summary>A signed-in platform administrator (users.is_platform_admin).</summary>
    public const string PlatformAdmin = "platform-admin";
}
