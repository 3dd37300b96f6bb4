namespace Convergio.Api.Auth.Mfa;

/// <summary>Marks an endpoint a session that still owes its second factor may call.</summary>
public sealed class PendingSecondFactorAllowed;

/// <summary>
/// The session between a correct password and the second factor: short-lived, good for
/// <c>POST /api/v1/auth/mfa/verify</c> and logout only (enforced by the authentication handler),
/// and ended after <see cref="MaxAttempts"/> codes.
/// </summary>
public static class PendingSecondFactor
{
    public const int MaxAttempts = 5;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public static TBuilder AllowWithPendingSecondFactor<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new PendingSecondFactorAllowed());

    /// <summary>Turns a just-started session into a pending one.</summary>
    public static void MarkPending(Session session)
    {
        session.SecondFactorPending = true;
        session.ExpiresAt = session.CreatedAt + Lifetime;
    }
}

/// <summary>What <c>POST /login</c> answers when the password was right and a second factor is owed.</summary>
public sealed record SecondFactorRequiredResponse(bool MfaRequired, IReadOnlyList<string> Methods)
{
    public static readonly SecondFactorRequiredResponse Totp = new(true, ["totp", "recovery"]);
}
