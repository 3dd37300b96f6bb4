using System.ComponentModel.DataAnnotations;

namespace Convergio.Api.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Overrides the session cookie's name (default <c>__Host-session</c> in Production, <c>session</c> elsewhere).</summary>
    public string? SessionCookieName { get; set; }

    /// <summary>A session unused for this long ends.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A session ends this long after sign-in, whatever the activity (the baseline's 7 days at most).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Sessions kept in memory per instance (see <see cref="SessionCache"/>); 0 reads every session from the database.</summary>
    [Range(0, 1_000_000)]
    public int SessionCacheCapacity { get; set; } = 10_000;

    /// <summary>
    /// The longest a cached session is served before it is read again: the bound on a change that
    /// reached the database without an invalidation (an operator's direct edit, the CLI's promotion).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan SessionCacheLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the emailed reset link points; the token is appended as <c>?token=</c>.</summary>
    [Required, Url]
    public string ResetPasswordUrl { get; set; } = "https://app.convergio.io/reset-password";

    /// <summary>The sign-in page, linked from the mail to an address that someone tried to register again.</summary>
    [Required, Url]
    public string SignInUrl { get; set; } = "https://app.convergio.io/sign-in";

    /// <summary>The page that asks for a reset link, linked from the same mail and from security notices.</summary>
    [Required, Url]
    public string ForgotPasswordUrl { get; set; } = "https://app.convergio.io/forgot-password";

    /// <summary>The account's sessions page (sign out everywhere else), linked from security notices.</summary>
    [Required, Url]
    public string SessionsUrl { get; set; } = "https://app.convergio.io/account/sessions";

    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan ResetTokenLifetime { get; set; } = TimeSpan.FromMinutes(30);
}

/// <summary>
/// Argon2id cost (<c>Auth:Password</c>; OWASP's minimum profile by default: 19 MiB, 2 passes, 1 lane).
/// Raising it makes every older hash be rehashed at its owner's next sign-in.
/// </summary>
public sealed class PasswordHashingOptions
{
    public const string Section = "Auth:Password";

    public const int MaxMemoryKiB = 1048576;
    public const int MaxIterations = 10;

    [Range(19456, MaxMemoryKiB)]
    public int MemoryKiB { get; set; } = 19456;

    [Range(2, MaxIterations)]
    public int Iterations { get; set; } = 2;

    /// <summary>Derivations at once; 0: one fewer than the cores (at least one), so a sign-in flood leaves a core for everything else.</summary>
    [Range(0, 1024)]
    public int MaxConcurrent { get; set; }

    /// <summary>Derivations waiting for a slot; beyond them a sign-in is answered 503 with Retry-After.</summary>
    [Range(0, 100_000)]
    public int MaxQueued { get; set; } = 32;

    /// <summary>NSec supports one lane only.</summary>
    [Range(1, 1)]
    public int Parallelism { get; set; } = 1;
}
