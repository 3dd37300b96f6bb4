using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Auth.Mfa;

/// <summary>The user's second factor as a whole: whether it is on, checking a code, and the recovery codes.</summary>
public sealed class SecondFactors(ConvergioDb db, TotpAuthenticator totp, TimeProvider time)
{
    /// <summary>The answer when a second factor is owed and none was given.</summary>
    public const string CodeMissing = "Enter the code from your authenticator app, or a recovery code.";

    public Task<bool> IsEnabledAsync(Guid userId, CancellationToken cancellationToken) =>
        db.TotpCredentials.AnyAsync(t => t.UserId == userId && t.ConfirmedAt != null, cancellationToken);

    /// <summary>
    /// Checks a TOTP code or, when the input has the shape of one, a recovery code (used up if valid).
    /// Returns the session method it proves, or null.
    /// </summary>
    public async Task<string?> VerifyAsync(Guid userId, string? code, CancellationToken cancellationToken)
    {
        if (RecoveryCodes.LooksLikeRecoveryCode(code))
        {
            return await UseRecoveryCodeAsync(userId, code!, cancellationToken) ? SessionMethods.PasswordAndRecoveryCode : null;
        }
        return await totp.AcceptAsync(userId, code, cancellationToken) ? SessionMethods.PasswordAndTotp : null;
    }

    /// <summary>Marks the code used in one conditional update: of two requests with the same code, one wins.</summary>
    public async Task<bool> UseRecoveryCodeAsync(Guid userId, string code, CancellationToken cancellationToken)
    {
        if (!await IsEnabledAsync(userId, cancellationToken))
        {
            return false;
        }
        var hash = RecoveryCodes.Hash(code);
        var now = time.GetUtcNow().UtcDateTime;
        return await db.RecoveryCodes.Where(c => c.UserId == userId && c.CodeHash == hash).TrySpendAsync(c => c.UsedAt, now, cancellationToken);
    }

    /// <summary>Replaces the user's recovery codes in the unit of work; the new codes in clear, to show once.</summary>
    public async Task<IReadOnlyList<string>> ReplaceRecoveryCodesAsync(Guid userId, CancellationToken cancellationToken)
    {
        db.RecoveryCodes.RemoveRange(await db.RecoveryCodes.Where(c => c.UserId == userId).ToListAsync(cancellationToken));
        var now = time.GetUtcNow().UtcDateTime;
        var codes = Enumerable.Range(0, RecoveryCodes.Count).Select(_ => RecoveryCodes.New()).ToList();
        db.RecoveryCodes.AddRange(codes.Select(code => new RecoveryCode { Id = Guid.NewGuid(), UserId = userId, CodeHash = RecoveryCodes.Hash(code), CreatedAt = now }));
        return codes;
    }
}
