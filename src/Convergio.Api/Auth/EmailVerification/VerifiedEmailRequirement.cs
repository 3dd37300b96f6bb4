using Convergio.Api.Auth.StepUp;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth.EmailVerification;

/// <summary>
/// The user's email is verified: <see cref="Always"/>, or <see cref="WhenConfigured"/> only while
/// <c>Auth:RequireVerifiedEmail</c> is on.
/// </summary>
public sealed class VerifiedEmailRequirement : IAssuranceRequirement
{
    /// <summary>
    /// Whatever the setting: what an unverified account adds (a second factor, a provider key, a
    /// membership) would otherwise be kept by whoever registered the address before its owner
    /// (pre-account takeover).
    /// </summary>
    public static readonly VerifiedEmailRequirement Always = new(always: true);

    /// <summary>Only with <c>Auth:RequireVerifiedEmail</c> on (the Production default).</summary>
    public static readonly VerifiedEmailRequirement WhenConfigured = new(always: false);

    private VerifiedEmailRequirement(bool always) => IsAlways = always;

    public bool IsAlways { get; }

    public int Precedence => 2;
    public string ProblemType => ProblemTypes.EmailVerificationRequired;
    public string Detail => "Verify your email address first: open the link we sent you, or ask for a new one with POST /api/v1/auth/verify-email/resend.";
    public string? DeniedAuditAction => null;
}

internal sealed class VerifiedEmailHandler(IOptions<EmailVerificationOptions> options) : AuthorizationHandler<VerifiedEmailRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, VerifiedEmailRequirement requirement)
    {
        if ((!requirement.IsAlways && !options.Value.RequireVerifiedEmail) || context.User.HasClaim(ConvergioClaims.EmailVerified, "true"))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

public static class VerifiedEmailConventions
{
    /// <summary>
    /// For what an account adds to itself (second factors, provider keys, memberships): an
    /// unverified user gets 403 <see cref="ProblemTypes.EmailVerificationRequired"/> in every environment.
    /// </summary>
    public static TBuilder RequireVerifiedEmail<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(AuthNames.Scheme)
            .RequireAuthenticatedUser()
            .AddRequirements(VerifiedEmailRequirement.Always));

    /// <summary>
    /// For reaching other people (sending invites): with <c>Auth:RequireVerifiedEmail</c> on, an
    /// unverified user gets 403 <see cref="ProblemTypes.EmailVerificationRequired"/>.
    /// </summary>
    public static TBuilder RequireVerifiedEmailWhenConfigured<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(AuthNames.Scheme)
            .RequireAuthenticatedUser()
            .AddRequirements(VerifiedEmailRequirement.WhenConfigured));
}
