namespace Convergio.Api.Platform;

/// <summary>Names of the rate-limit policies endpoints opt into.</summary>
public static class RateLimitPolicies
{
    /// <summary>Sign-in, registration and password recovery: per client IP plus per account.</summary>
    public const string Auth = "auth";

    /// <summary>Everything else: per user when signed in, else per client IP.</summary>
    public const string General = "general";

    /// <summary>Admin and sensitive actions: per user.</summary>
    public const string Admin = "admin";

    /// <summary>
    /// Not named by endpoints: applied automatically, per normalized email, to every endpoint whose
    /// body is an <see cref="IAccountScopedRequest"/>.
    /// </summary>
    public const string Account = "account";
}
