using System.Globalization;
using Convergio.Api.Auth.Mfa;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth.StepUp;

/// <summary>
/// A requirement on how strongly or how recently the session was authenticated (or on the
/// account's state). Refusals are 403 problems with their own <c>type</c>, so the frontend knows
/// what to ask the user for; see <see cref="AuthorizationResultChain"/>.
/// </summary>
public interface IAssuranceRequirement : IAuthorizationRequirement
{
    /// <summary>When several fail, the lowest is reported: the one the user must fix first.</summary>
    int Precedence { get; }

    string ProblemType { get; }

    string Detail { get; }

    /// <summary>The audit action recorded when a request is refused for this requirement, or null.</summary>
    string? DeniedAuditAction { get; }
}

/// <summary>The session was authenticated with two factors (password and code, or a passkey).</summary>
public sealed class MfaSessionRequirement : IAssuranceRequirement
{
    public static readonly MfaSessionRequirement Instance = new();

    public int Precedence => 0;
    public string ProblemType => ProblemTypes.MfaRequired;
    public string Detail => "This action needs a session signed in with two factors: turn on two-factor authentication, then sign in again or reauthenticate with a code or a passkey.";
    public string? DeniedAuditAction => MfaAuditActions.Required;
}

/// <summary>The session was (re)authenticated within <see cref="StepUpOptions.StepUpWindow"/>.</summary>
public sealed class RecentAuthenticationRequirement : IAssuranceRequirement
{
    public static readonly RecentAuthenticationRequirement Instance = new();

    public int Precedence => 1;
    public string ProblemType => ProblemTypes.ReauthenticationRequired;
    public string Detail => "Confirm it is you: reauthenticate with POST /api/v1/auth/reauthenticate, then retry.";
    public string? DeniedAuditAction => null;
}

internal sealed class MfaSessionHandler : AuthorizationHandler<MfaSessionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MfaSessionRequirement requirement)
    {
        if (context.User.FindFirst(ConvergioClaims.AuthenticationMethod)?.Value is { } method && SessionMethods.IsMultiFactor(method))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

internal sealed class RecentAuthenticationHandler(IOptions<StepUpOptions> options, TimeProvider time) : AuthorizationHandler<RecentAuthenticationRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RecentAuthenticationRequirement requirement)
    {
        if (long.TryParse(context.User.FindFirst(ConvergioClaims.AuthenticatedAt)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds) <= options.Value.StepUpWindow)
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

public static class StepUpConventions
{
    /// <summary>
    /// Sensitive actions: the session must have been (re)authenticated within <c>Auth:StepUpWindow</c>,
    /// else 403 <see cref="ProblemTypes.ReauthenticationRequired"/>.
    /// </summary>
    public static TBuilder RequireRecentAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy
            .AddAuthenticationSchemes(AuthNames.Scheme)
            .RequireAuthenticatedUser()
            .AddRequirements(RecentAuthenticationRequirement.Instance));
}
