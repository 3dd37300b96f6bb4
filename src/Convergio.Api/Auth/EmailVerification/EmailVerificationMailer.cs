using Convergio.Api.Data;
using Convergio.Api.Mail;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth.EmailVerification;

/// <summary>Adds a verification token and its mail to the current unit of work (the caller's SaveChanges sends both or neither).</summary>
public sealed class EmailVerificationMailer(ConvergioDb db, Mailer mailer, IOptions<EmailVerificationOptions> options, TimeProvider time)
{
    public async Task IssueAsync(User user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // Spent and expired links of the user go as a new one is made, so the table does not grow with resends.
        await db.EmailVerificationTokens.Where(t => t.UserId == user.Id && (t.UsedAt != null || t.ExpiresAt <= now)).ExecuteDeleteAsync(cancellationToken);
        Issue(user, now);
    }

    /// <summary>
    /// Spends every link not used yet: a link proves the mailbox only for the account as it was
    /// when mailed, so a password reset or an email change ends the older ones.
    /// </summary>
    public Task RevokeOutstandingAsync(Guid userId, DateTime now, CancellationToken cancellationToken) =>
        db.EmailVerificationTokens.Where(t => t.UserId == userId && t.UsedAt == null).ExecuteUpdateAsync(u => u.SetProperty(t => t.UsedAt, now), cancellationToken);

    /// <summary>For a user not saved yet (registration): nothing to clean up.</summary>
    public void IssueForNewUser(User user) => Issue(user, time.GetUtcNow().UtcDateTime);

    private void Issue(User user, DateTime now)
    {
        var token = SessionTokens.New();
        var lifetime = options.Value.VerificationTokenLifetime;
        db.EmailVerificationTokens.Add(new EmailVerificationToken
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            TokenHash = SessionTokens.Hash(token),
            Email = user.Email,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        });
        var link = QueryHelpers.AddQueryString(options.Value.VerifyEmailUrl, "token", token);
        mailer.Enqueue(user.Email, "Confirm your email address for Convergio",
            $"Welcome to Convergio.\n\nTo confirm that this is your email address, open this link within {lifetime.TotalHours:0} hours:\n{link}\n\nIf you did not create an account, ignore this message.");
    }
}
