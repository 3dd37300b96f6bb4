using Convergio.Api.Auth.Tokens;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tenancy;

/// <summary>Answers Auth's question (may an API token be limited to this organization?) from the memberships.</summary>
internal sealed class OrganizationMembership(ConvergioDb db) : IOrganizationMembership
{
    public Task<bool> IsMemberAsync(Guid orgId, Guid userId, CancellationToken cancellationToken) =>
        db.Memberships.AnyAsync(m => m.OrgId == orgId && m.UserId == userId, cancellationToken);
}
