using Convergio.Api.Audit;
using Convergio.Api.Auth;
using Convergio.Api.Data;
using Convergio.Api.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Account;

/// <summary>
/// Everything stored about the signed-in user (GDPR articles 15 and 20), as one JSON document. Built from
/// explicit projections, never from entities, so no secret can slip in with a new column: password hash,
/// token hashes, key ciphertexts, TOTP secret, passkey public keys and the audit chain's personal keys stay out.
/// API tokens appear as their metadata only (name, scopes, organization, dates).
/// </summary>
public sealed record AccountExportDocument(
    DateTime ExportedAt,
    ExportedProfile Profile,
    IReadOnlyList<ExportedSession> Sessions,
    IReadOnlyList<ExportedMembership> Memberships,
    IReadOnlyList<ExportedProviderKey> ProviderKeys,
    ExportedSecondFactors SecondFactors,
    IReadOnlyList<ExportedPasskey> Passkeys,
    IReadOnlyList<ExportedApiToken> ApiTokens,
    IReadOnlyList<ExportedAuditEvent> AuditEvents);

public sealed record ExportedProfile(
    Guid Id, string Email, string? FullName, string Tier, bool IsPlatformAdmin, DateTime? EmailVerifiedAt, DateTime? DisabledAt, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record ExportedSession(
    Guid Id, DateTime CreatedAt, DateTime LastSeenAt, DateTime ExpiresAt, string? Ip, string? UserAgent, string Method, DateTime AuthenticatedAt,
    DateTime? ReauthenticatedAt, Guid? DeviceId);

public sealed record ExportedMembership(Guid OrgId, string OrgName, OrgRole Role, DateTime CreatedAt);

/// <summary>A provider key as its owner tells keys apart: the last four characters only.</summary>
public sealed record ExportedProviderKey(Guid Id, string Provider, string? Label, string Last4, DateTime CreatedAt, DateTime? LastUsedAt);

public sealed record ExportedSecondFactors(bool TotpEnabled, DateTime? TotpConfirmedAt, int RecoveryCodesUnused, int RecoveryCodesUsed);

public sealed record ExportedPasskey(Guid Id, string Name, Guid AaGuid, bool IsBackedUp, DateTime CreatedAt, DateTime? LastUsedAt);

public sealed record ExportedApiToken(Guid Id, string Name, string Scopes, Guid? OrgId, DateTime CreatedAt, DateTime ExpiresAt, DateTime? LastUsedAt);

public sealed record ExportedAuditEvent(
    long Id, long? Seq, DateTime OccurredAt, Guid? ActorUserId, Guid? OrgId, string Action, string? TargetType, string? TargetId, string Outcome,
    string? Ip, string? UserAgent, string? Data);

internal static class AccountExport
{
    internal static async Task<Ok<AccountExportDocument>> ExportAsync(HttpContext http, ConvergioDb db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = http.User.GetUserId();
        var subject = userId.ToString();
        var profile = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new ExportedProfile(u.Id, u.Email, u.FullName, u.Tier, u.IsPlatformAdmin, u.EmailVerifiedAt, u.DisabledAt, u.CreatedAt, u.UpdatedAt))
            .SingleAsync(cancellationToken);
        var sessions = await db.Sessions.AsNoTracking().Where(s => s.UserId == userId).OrderBy(s => s.CreatedAt)
            .Select(s => new ExportedSession(s.Id, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.Ip, s.UserAgent, s.Method, s.AuthenticatedAt, s.ReauthenticatedAt, s.DeviceId))
            .ToListAsync(cancellationToken);
        var memberships = await db.Memberships.AsNoTracking().Where(m => m.UserId == userId).OrderBy(m => m.CreatedAt)
            .Select(m => new ExportedMembership(m.OrgId, m.Organization!.Name, m.Role, m.CreatedAt))
            .ToListAsync(cancellationToken);
        var providerKeys = await db.ProviderKeys.AsNoTracking().Where(k => k.UserId == userId).OrderBy(k => k.CreatedAt)
            .Select(k => new ExportedProviderKey(k.Id, k.Provider, k.Label, k.Last4, k.CreatedAt, k.LastUsedAt))
            .ToListAsync(cancellationToken);
        var totpConfirmedAt = await db.TotpCredentials.AsNoTracking().Where(t => t.UserId == userId).Select(t => t.ConfirmedAt).SingleOrDefaultAsync(cancellationToken);
        var recoveryCodes = await db.RecoveryCodes.AsNoTracking().Where(c => c.UserId == userId).Select(c => c.UsedAt).ToListAsync(cancellationToken);
        var passkeys = await db.Passkeys.AsNoTracking().Where(p => p.UserId == userId).OrderBy(p => p.CreatedAt)
            .Select(p => new ExportedPasskey(p.Id, p.Name, p.AaGuid, p.IsBackedUp, p.CreatedAt, p.LastUsedAt))
            .ToListAsync(cancellationToken);
        var apiTokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).OrderBy(t => t.CreatedAt)
            .Select(t => new ExportedApiToken(t.Id, t.Name, t.Scopes, t.OrgId, t.CreatedAt, t.ExpiresAt, t.LastUsedAt))
            .ToListAsync(cancellationToken);
        var auditEvents = await db.AuditEvents.AsNoTracking().Where(e => e.ActorUserId == userId || (e.TargetType == "user" && e.TargetId == subject)).OrderBy(e => e.Id)
            .Select(e => new ExportedAuditEvent(e.Id, e.Seq, e.OccurredAt, e.ActorUserId, e.OrgId, e.Action, e.TargetType, e.TargetId, e.Outcome,
                // Where someone else acted on the user (an administrator), the address and browser are theirs, not the user's data.
                e.ActorUserId == userId ? e.Ip : null, e.ActorUserId == userId ? e.UserAgent : null, e.Data))
            .ToListAsync(cancellationToken);

        audit.Record(AccountAuditActions.Exported, targetType: "user", targetId: subject);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new AccountExportDocument(
            time.GetUtcNow().UtcDateTime, profile, sessions, memberships, providerKeys,
            new ExportedSecondFactors(totpConfirmedAt is not null, totpConfirmedAt, recoveryCodes.Count(u => u is null), recoveryCodes.Count(u => u is not null)),
            passkeys, apiTokens, auditEvents));
    }
}
