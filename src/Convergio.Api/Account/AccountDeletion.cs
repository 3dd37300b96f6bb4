using Convergio.Api.Audit;
using Convergio.Api.Auth;
using Convergio.Api.Auth.Tokens;
using Convergio.Api.Data;
using Convergio.Api.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Account;

/// <summary>An organization the user is the last owner of, named in the <c>last-owner</c> refusal.</summary>
public sealed record OwnedOrganization(Guid Id, string Name);

public enum AccountDeletionResult
{
    Deleted,
    NotFound,
    LastOwner,
}

/// <summary>What a deletion did, or why it did not: the organizations that would be left without an owner.</summary>
public sealed record AccountDeletionOutcome(AccountDeletionResult Result, IReadOnlyList<OwnedOrganization> LastOwnerOf)
{
    public ProblemHttpResult LastOwnerProblem() => ApiProblems.Problem(StatusCodes.Status409Conflict,
        "The account is the last owner of these organizations: make another member owner, or delete them, first.",
        ProblemTypes.LastOwner, new Dictionary<string, object?> { ["organizations"] = LastOwnerOf });
}

/// <summary>
/// Erases an account (GDPR article 17), by its owner or a platform administrator, in one transaction:
/// every session ends (on every instance, through <see cref="SessionInvalidation"/>), credentials,
/// second factors, passkeys, provider keys, memberships, invitations and outstanding links are
/// deleted, and the user row becomes a tombstone: its id stays, so the audit trail still says who
/// did what, but no address, name or password does. Audit events the user acted in or was the
/// subject of lose their personal fields and the key of their digest, which the chain hashed in their
/// place, so the chain still verifies (<see cref="AuditChainVerifier"/>). Events sealed before personal
/// fields became erasable (format v1) hash the fields themselves and keep them; nothing else can.
/// </summary>
public sealed class AccountDeletion(ConvergioDb db, SessionService sessions, AuditLog audit, TimeProvider time)
{
    /// <summary>The address a deleted account keeps: unique per account, and in the reserved <c>.invalid</c> domain, so nothing is ever sent to it.</summary>
    public static string TombstoneEmail(Guid userId) => $"deleted-{userId:N}@deleted.invalid";

    /// <param name="auditAction">The event that records the deletion: the user's own, or an administrator's.</param>
    /// <param name="byTheOwner">True when the user deletes their own account: the request's address and browser are theirs, so the deletion's own event does not keep them.</param>
    /// <param name="reason">An administrator's reason, kept in the audit event.</param>
    public async Task<AccountDeletionOutcome> DeleteAsync(Guid userId, string auditAction, bool byTheOwner, string? reason, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId && u.DeletedAt == null, cancellationToken);
        if (user is null)
        {
            return new(AccountDeletionResult.NotFound, []);
        }
        var lastOwnerOf = await LastOwnerOfAsync(userId, cancellationToken);
        if (lastOwnerOf.Count > 0)
        {
            return new(AccountDeletionResult.LastOwner, lastOwnerOf);
        }
        // The sealer must not chain an event of this user from fields read before they are erased here.
        await AuditChain.LockAsync(db, wait: true, cancellationToken);

        var now = time.GetUtcNow().UtcDateTime;
        var email = user.Email;
        var devices = await db.Sessions.Where(s => s.UserId == userId && s.DeviceId != null).Select(s => s.DeviceId!.Value).Distinct().ToListAsync(cancellationToken);
        await sessions.RevokeAllAsync(userId, keep: null, cancellationToken);
        await DeleteCredentialsAsync(userId, devices, cancellationToken);
        await db.ProviderKeys.Where(k => k.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Memberships.Where(m => m.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        // Invitations to the account's address hold it whatever their state; the user's own pending ones die with the account.
        await db.Invites.Where(i => i.Email == email || (i.InvitedBy == userId && i.AcceptedAt == null)).ExecuteDeleteAsync(cancellationToken);
        await db.PasswordResetTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.PasswordResetRequests.Where(r => r.Email == email).ExecuteDeleteAsync(cancellationToken);
        await db.EmailVerificationTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.EmailChangeTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.OutboxEmails.Where(m => m.To == email).ExecuteDeleteAsync(cancellationToken);
        await EraseAuditPersonalDataAsync(userId, cancellationToken);

        user.Email = TombstoneEmail(userId);
        user.FullName = null;
        user.PasswordHash = "";
        user.EmailVerifiedAt = null;
        user.IsPlatformAdmin = false;
        user.DisabledAt ??= now;
        user.DeletedAt = now;
        user.UpdatedAt = now;
        var deleted = audit.Record(auditAction, targetType: "user", targetId: userId.ToString(), data: reason is null ? null : new { reason });
        if (byTheOwner)
        {
            deleted.Ip = null;
            deleted.UserAgent = null;
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new(AccountDeletionResult.Deleted, []);
    }

    /// <summary>Organizations where the user is the only owner, locked so no owner can leave or be demoted meanwhile.</summary>
    private async Task<List<OwnedOrganization>> LastOwnerOfAsync(Guid userId, CancellationToken cancellationToken)
    {
        var owned = await db.Memberships.Where(m => m.UserId == userId && m.Role == OrgRole.Owner).Select(m => m.OrgId).OrderBy(id => id).ToListAsync(cancellationToken);
        foreach (var orgId in owned)
        {
            await Owners.LockOrganizationAsync(db, orgId, cancellationToken);
        }
        return await db.Organizations
            .Where(o => owned.Contains(o.Id) && db.Memberships.Count(m => m.OrgId == o.Id && m.Role == OrgRole.Owner) == 1)
            .OrderBy(o => o.Name)
            .Select(o => new OwnedOrganization(o.Id, o.Name))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Every way to sign in as the user, and what remembers their browsers. API tokens (Auth/Tokens)
    /// belong here too: delete the user's tokens in this method once that table exists.
    /// </summary>
    private async Task DeleteCredentialsAsync(Guid userId, List<Guid> devices, CancellationToken cancellationToken)
    {
        await db.TotpCredentials.Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.RecoveryCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.Passkeys.Where(p => p.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.ApiTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        await db.WebAuthnChallenges.Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        var throttleKeys = devices.Select(AttemptThrottle.DeviceLoginKey).Append(AttemptThrottle.ChangePasswordKey(userId)).ToList();
        await db.ThrottleBuckets.Where(b => throttleKeys.Contains(b.Key)).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// Erases address, user agent and digest key of the user's events. Sealed v2 events keep their digest
    /// (what the chain hashed) and unsealed ones are sealed later over the erased fields; v1 events hashed
    /// the fields themselves, so erasing them would break the chain.
    /// </summary>
    private Task<int> EraseAuditPersonalDataAsync(Guid userId, CancellationToken cancellationToken)
    {
        var subject = userId.ToString();
        return db.AuditEvents
            .Where(e => (e.ActorUserId == userId || (e.TargetType == "user" && e.TargetId == subject)) && (e.PersonalDigest != null || e.Seq == null))
            .ExecuteUpdateAsync(set => set
                .SetProperty(e => e.PersonalKey, (string?)null)
                .SetProperty(e => e.Ip, (string?)null)
                .SetProperty(e => e.UserAgent, (string?)null), cancellationToken);
    }
}
