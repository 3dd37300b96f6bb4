using Convergio.Api.Audit;
using Convergio.Api.Auth;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Admin;

public enum PlatformAdminOutcome
{
    Created,
    Promoted,
    AlreadyAdmin,
    InvalidEmail,
    PasswordRejected,
}

public sealed record PlatformAdminResult(PlatformAdminOutcome Outcome, string Message);

/// <summary>
/// Makes platform administrators, for <c>convergio admin create</c> only: there is deliberately no HTTP
/// endpoint that grants the flag. An existing account is promoted and keeps its password.
/// </summary>
public sealed class PlatformAdmins(ConvergioDb db, IPasswordHasher hasher, AuditLog audit, TimeProvider time)
{
    public async Task<PlatformAdminResult> CreateOrPromoteAsync(string email, Func<string?> readPassword, CancellationToken cancellationToken)
    {
        var normalized = Emails.Normalize(email);
        if (!Emails.IsValid(normalized))
        {
            return new(PlatformAdminOutcome.InvalidEmail, "Enter a valid email address.");
        }

        var now = time.GetUtcNow().UtcDateTime;
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user is not null)
        {
            if (user.IsPlatformAdmin)
            {
                return new(PlatformAdminOutcome.AlreadyAdmin, $"{normalized} is already a platform administrator.");
            }
            user.IsPlatformAdmin = true;
            user.UpdatedAt = now;
            audit.Record(AdminAuditActions.UserPromoted, targetType: "user", targetId: user.Id.ToString(), data: new { via = "cli" });
            await db.SaveChangesAsync(cancellationToken);
            return new(PlatformAdminOutcome.Promoted, $"{normalized} is now a platform administrator.");
        }

        var password = readPassword();
        if (PasswordPolicy.Check(password, normalized) is { } problem)
        {
            return new(PlatformAdminOutcome.PasswordRejected, problem);
        }
        user = new User
        {
            Id = Guid.NewGuid(),
            Email = normalized,
            PasswordHash = await hasher.HashAsync(password!),
            IsPlatformAdmin = true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        audit.Record(AdminAuditActions.UserCreated, targetType: "user", targetId: user.Id.ToString(), data: new { via = "cli" });
        await db.SaveChangesAsync(cancellationToken);
        return new(PlatformAdminOutcome.Created, $"Created platform administrator {normalized}.");
    }
}
