using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tenancy;

/// <summary>The last-owner rule: an organization always keeps at least one owner.</summary>
internal static class Owners
{
    /// <summary>
    /// Inside a transaction, serializes membership changes of one organization, so two owners demoting
    /// each other at once cannot both see "another owner remains". PostgreSQL locks the organization row;
    /// SQLite's transactions already hold the database's single write lock from their start.
    /// </summary>
    public static async Task LockOrganizationAsync(ConvergioDb db, Guid orgId, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT 1 FROM organizations WHERE id = {orgId} FOR UPDATE", cancellationToken);
        }
    }

    public static async Task<bool> IsLastOwnerAsync(ConvergioDb db, Membership member, CancellationToken cancellationToken) =>
        member.Role == OrgRole.Owner
        && await db.Memberships.CountAsync(m => m.OrgId == member.OrgId && m.Role == OrgRole.Owner, cancellationToken) == 1;
}
