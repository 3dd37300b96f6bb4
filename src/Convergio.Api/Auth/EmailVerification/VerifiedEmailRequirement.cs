using Convergio.Api.Auth.StepUp;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth.EmailVerification;

/// <summary>The user's email is verified, when <c>Auth:RequireVerifiedEmail</c> is on.</summary>
public sealed class VerifiedEmailRequirement : IAssuranceRequirement
{
    public static readonly VerifiedEmailRequirement Instance = new();

    public int Precedence => 2;
    public string ProblemType => AssuranceProblemTypes.EmailVerificationRequired;
    public string Detail => "Verify your email address first: open the link we sent you, or ask for a new one with POST /api/v1/auth/verify-email/resend.";
    public string? DeniedAuditAction => null;
}

internal sealed class VerifiedEmailHandler(IOptions<EmailVerificationOptions> options) : AuthorizationHandler<VerifiedEmailRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, VerifiedEmailRequirement requirement)
    {
        if (!options.Value.RequireVerifiedEmail || context.User.HasClaim(ConvergioClaims.EmailVerified, "true"))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

public static class VerifiedEmailConventions
{
    /// <summary>
    /// For features that reach other people or spend money (sending invites, adding provider keys):
    /// with <c>Auth:RequireVerifiedEmail</c> on, an unverified user gets 403
    /// <see cref="AssuranceProblemTypes.EmailVerificationRequired"/>.
    /// </summary>
    public static TBuilder RequireVerifiedEmail<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(AuthNames.Scheme)
            .RequireAuthenticatedUser()
            .AddRequirements(VerifiedEmailRequirement.Instance));
}
