using Convergio.Api.Audit;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Auth.Tokens;
using Convergio.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Tenancy;

/// <summary>
/// Members of an organization: list (viewer+), change a role (admin+; only an owner grants or takes the owner
/// role), remove (admin+, or yourself to leave). The last owner can be neither demoted nor removed.
/// </summary>
public static class MemberEndpoints
{
    public static void MapMembers(RouteGroupBuilder org)
    {
        org.MapGet("/members", ListAsync).RequireOrgRole(OrgRole.Viewer).RequireScope(TokenScopes.MembersRead)
            .WithName("listMembers").WithSummary("List members")
            .WithDescription("The organization's members and their roles, paged.");
        // Sensitive: role changes and removals.
        org.MapPatch("/members/{userId:guid}", ChangeRoleAsync).RequireOrgRole(OrgRole.Admin).RequireRecentAuthentication().RequireScope(TokenScopes.MembersWrite)
            .AuditDenied(TenancyAuditActions.MemberRoleChanged).RequireRateLimiting(RateLimitPolicies.Admin)
            .WithName("changeMemberRole").WithSummary("Change a member's role")
            .WithDescription("Sets a member's role; 409 `last-owner` when it would leave no owner.").ProducesProblemType(StatusCodes.Status409Conflict, ProblemTypes.LastOwner);
        // Viewer+ at the door because anyone may leave; removing someone else is checked below.
        org.MapDelete("/members/{userId:guid}", RemoveAsync).RequireOrgRole(OrgRole.Viewer).RequireRecentAuthentication().RequireScope(TokenScopes.MembersWrite)
            .AuditDenied(TenancyAuditActions.MemberRemoved).RequireRateLimiting(RateLimitPolicies.Admin)
            .WithName("removeMember").WithSummary("Remove a member")
            .WithDescription("Removes a member (admins and owners; anyone may remove themselves); 409 `last-owner` when it would leave no owner.").ProducesProblemType(StatusCodes.Status409Conflict, ProblemTypes.LastOwner);
    }

    private static async Task<Results<Ok<PagedList<MemberResponse>>, ValidationProblem>> ListAsync(
        Guid orgId, [AsParameters] PageRequest paging, ConvergioDb db, CancellationToken cancellationToken)
    {
        var errors = paging.Errors();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var page = await db.Memberships.AsNoTracking()
            .Where(m => m.OrgId == orgId)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.UserId)
            .Select(m => new MemberResponse(m.UserId, m.User!.Email, m.User.FullName, m.Role, m.CreatedAt))
            .ToPageAsync(paging, cancellationToken);
        return TypedResults.Ok(page);
    }

    private static async Task<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>> ChangeRoleAsync(
        Guid orgId, Guid userId, ChangeRoleRequest request, HttpContext http, ConvergioDb db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!OrgRoles.IsDefined(request.Role))
        {
            return ApiProblems.Invalid("role", "Role is one of owner, admin, member, viewer.");
        }
        var role = request.Role!.Value;
        var caller = http.GetOrgCaller();

        // The whole transaction is retried on a deadlock or serialization failure (Data/ConflictRetryStrategy).
        return await db.InTransactionAsync<Results<Ok<MemberResponse>, ValidationProblem, ProblemHttpResult>>(async (transaction, cancellationToken) =>
        {
            await Owners.LockOrganizationAsync(db, orgId, cancellationToken);
            var member = await db.Memberships.Include(m => m.User).SingleOrDefaultAsync(m => m.OrgId == orgId && m.UserId == userId, cancellationToken);
            if (member is null)
            {
                return ApiProblems.NotFound("No such member in this organization.");
            }

            ProblemHttpResult? refusal = null;
            if ((member.Role == OrgRole.Owner || role == OrgRole.Owner) && caller.Role != OrgRole.Owner)
            {
                audit.Record(TenancyAuditActions.MemberRoleChanged, AuditOutcomes.Denied, orgId: orgId, targetType: "user", targetId: userId.ToString(),
                    data: new { reason = "owner_role_needs_owner", from = member.Role, to = role });
                refusal = ApiProblems.Forbidden("Only an owner grants or removes the owner role.");
            }
            else if (role != OrgRole.Owner && await Owners.IsLastOwnerAsync(db, member, cancellationToken))
            {
                audit.Record(TenancyAuditActions.MemberRoleChanged, AuditOutcomes.Denied, orgId: orgId, targetType: "user", targetId: userId.ToString(),
                    data: new { reason = "last_owner", from = member.Role, to = role });
                refusal = LastOwner();
            }
            else
            {
                audit.Record(TenancyAuditActions.MemberRoleChanged, orgId: orgId, targetType: "user", targetId: userId.ToString(), data: new { from = member.Role, to = role });
                member.Role = role;
                member.UpdatedAt = time.GetUtcNow().UtcDateTime;
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return refusal is null
                ? TypedResults.Ok(new MemberResponse(member.UserId, member.User!.Email, member.User.FullName, member.Role, member.CreatedAt))
                : refusal;
        }, cancellationToken);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(
        Guid orgId, Guid userId, HttpContext http, ConvergioDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        var caller = http.GetOrgCaller();
        var leaving = userId == caller.UserId;
        var action = leaving ? TenancyAuditActions.MemberLeft : TenancyAuditActions.MemberRemoved;

        return await db.InTransactionAsync<Results<NoContent, ProblemHttpResult>>(async (transaction, cancellationToken) =>
        {
            await Owners.LockOrganizationAsync(db, orgId, cancellationToken);
            var member = await db.Memberships.SingleOrDefaultAsync(m => m.OrgId == orgId && m.UserId == userId, cancellationToken);

            ProblemHttpResult? refusal = null;
            if (!leaving && caller.Role < OrgRole.Admin)
            {
                audit.Record(action, AuditOutcomes.Denied, orgId: orgId, targetType: "user", targetId: userId.ToString(), data: new { reason = "role_too_low", held = caller.Role });
                refusal = ApiProblems.Forbidden("Removing another member needs the admin role or higher.");
            }
            else if (member is null)
            {
                return ApiProblems.NotFound("No such member in this organization.");
            }
            else if (!leaving && member.Role == OrgRole.Owner && caller.Role != OrgRole.Owner)
            {
                audit.Record(action, AuditOutcomes.Denied, orgId: orgId, targetType: "user", targetId: userId.ToString(), data: new { reason = "owner_role_needs_owner" });
                refusal = ApiProblems.Forbidden("Only an owner removes an owner.");
            }
            else if (await Owners.IsLastOwnerAsync(db, member, cancellationToken))
            {
                audit.Record(action, AuditOutcomes.Denied, orgId: orgId, targetType: "user", targetId: userId.ToString(), data: new { reason = "last_owner" });
                refusal = LastOwner();
            }
            else
            {
                db.Memberships.Remove(member);
                audit.Record(action, orgId: orgId, targetType: "user", targetId: userId.ToString(), data: new { role = member.Role });
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return refusal is null ? TypedResults.NoContent() : refusal;
        }, cancellationToken);
    }

    private static ProblemHttpResult LastOwner() =>
        ApiProblems.Problem(StatusCodes.Status409Conflict, "An organization keeps at least one owner: make another member owner first, or delete the organization.", ProblemTypes.LastOwner);
}
