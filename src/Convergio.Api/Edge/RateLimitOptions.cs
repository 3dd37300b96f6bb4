using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Edge;

/// <summary>One policy's budget: <see cref="PermitLimit"/> requests in any <see cref="WindowSeconds"/>-long window.</summary>
public sealed class RateLimitBudget
{
    [Range(1, 100_000)]
    public int PermitLimit { get; set; }

    [Range(1, 86_400)]
    public int WindowSeconds { get; set; }

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}

/// <summary>The limits behind <see cref="RateLimitPolicies"/> (section <c>RateLimiting</c>), validated at start.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Adds the per-instance in-process layer in front of the primary limiter.</summary>
    public const string FeatureFlag = "FEATURE_RATE_LIMIT";

    /// <summary>Off only to measure the limiter's cost (bench/); the production guard refuses it.</summary>
    public bool Enabled { get; set; } = true;

    [Required, ValidateObjectMembers]
    public RateLimitBudget Auth { get; set; } = new() { PermitLimit = 5, WindowSeconds = 60 };

    [Required, ValidateObjectMembers]
    public RateLimitBudget General { get; set; } = new() { PermitLimit = 100, WindowSeconds = 60 };

    [Required, ValidateObjectMembers]
    public RateLimitBudget Admin { get; set; } = new() { PermitLimit = 10, WindowSeconds = 60 };

    /// <summary>Per normalized email, on endpoints whose body is an <see cref="IAccountScopedRequest"/>.</summary>
    [Required, ValidateObjectMembers]
    public RateLimitBudget Account { get; set; } = new() { PermitLimit = 10, WindowSeconds = 3600 };

    /// <summary>Prefix of every Redis key, so several deployments can share one Redis.</summary>
    [Required, MinLength(1)]
    public string RedisKeyPrefix { get; set; } = "convergio:ratelimit:";

    /// <summary>How long one decision may wait for Redis before the in-process limiter decides instead.</summary>
    [Range(1, 5_000)]
    public int RedisTimeoutMilliseconds { get; set; } = 50;

    public RateLimitBudget For(string policy) => policy switch
    {
        RateLimitPolicies.Auth => Auth,
        RateLimitPolicies.General => General,
        RateLimitPolicies.Admin => Admin,
        RateLimitPolicies.Account => Account,
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown rate-limit policy."),
    };
}

/// <summary>Validates nested budgets too (DataAnnotations alone does not recurse).</summary>
[OptionsValidator]
public sealed partial class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>;

internal sealed class RateLimitingEnabledRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        if (!configuration.GetValue($"{RateLimitOptions.Section}:{nameof(RateLimitOptions.Enabled)}", true))
        {
            yield return new(GuardSeverity.Error, "rate-limiting", "RateLimiting:Enabled is false; Production always limits requests.");
        }
    }
}
