using Convergio.Api.Audit;
using Convergio.Api.Auth;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.Tokens;
using Convergio.Api.Data;
using Convergio.Api.Mail;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Tenancy;

/// <summary>
/// Invitations: an admin+ invites an email with a role no higher than their own; the 256-bit token travels
/// only in the email (the database keeps its SHA-256), lives <see cref="TenancyOptions.InviteLifetime"/>, and
/// is accepted once, by the signed-in user whose email it was sent to. An invite is live only while its inviter
/// is still a member holding admin+ and at least the invited role: leaving or being demoted kills every invite
/// they sent, checked in the query that claims the invite. Admins+ list live invites and revoke them.
/// </summary>
public static class InviteEndpoints
{
    public static void MapInvites(IEndpointRouteBuilder app, RouteGroupBuilder org)
    {
        // Sensitive: grants a role.
        org.MapPost("/invites", CreateAsync).RequireOrgRole(OrgRole.Admin).RequireScope(TokenScopes.MembersWrite).RequireVerifiedEmailWhenConfigured()
            .AuditDenied(TenancyAuditActions.InviteCreated).RequireRateLimiting(RateLimitPolicies.Admin)
            .WithName("createInvite").WithSummary("Invite someone")
            .WithDescription("Mails an invitation with a role; 409 when the person is already a member.").ProducesProblem(StatusCodes.Status409Conflict).WithTags("Invites");
        org.MapGet("/invites", ListAsync).RequireOrgRole(OrgRole.Admin).RequireScope(TokenScopes.MembersWrite)
            .WithName("listInvites").WithSummary("List pending invitations")
            .WithDescription("The organization's invitations not yet accepted or expired, paged.").WithTags("Invites");
        org.MapDelete("/invites/{inviteId:guid}", RevokeAsync).RequireOrgRole(OrgRole.Admin).RequireScope(TokenScopes.MembersWrite)
            .AuditDenied(TenancyAuditActions.InviteRevoked).RequireRateLimiting(RateLimitPolicies.Admin)
            .WithName("revokeInvite").WithSummary("Revoke an invitation")
            .WithDescription("Revokes an invitation so its link stops working.").WithTags("Invites");

        // A membership must not go to whoever registered the address before its owner.
        app.MapPost("/api/v1/invites/accept", AcceptAsync).WithTags("Organizations")
            .RequireAuthorization().RequireVerifiedEmail().RequireRateLimiting(RateLimitPolicies.General)
            .WithName("acceptInvite").WithSummary("Accept an invitation")
            .WithDescription("Spends the mailed invitation token and makes the caller a member; 409 when already a member.").ProducesProblem(StatusCodes.Status409Conflict).WithTags("Invites");
    }

    private static async Task<Results<Created<InviteResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        Guid orgId, CreateInviteRequest request, HttpContext http, ConvergioDb db, Mailer mailer, AuditLog audit,
        IOptions<TenancyOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var email = Emails.Normalize(request.Email);
        var errors = new Dictionary<string, string[]>();
        if (!Emails.IsValid(email))
        {
            errors["email"] = ["Enter a valid email address."];
        }
        if (!OrgRoles.IsDefined(request.Role))
        {
            errors["role"] = ["Role is one of owner, admin, member, viewer."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var role = request.Role!.Value;
        var caller = http.GetOrgCaller();
        if (role > caller.Role)
        {
            audit.Record(TenancyAuditActions.InviteCreated, AuditOutcomes.Denied, orgId: orgId, targetType: "org", targetId: orgId.ToString(),
                data: new { reason = "role_above_own", role, held = caller.Role });
            await db.SaveChangesAsync(cancellationToken);
            return ApiProblems.Forbidden("You cannot invite someone with a role above your own.");
        }
        if (await db.Memberships.AnyAsync(m => m.OrgId == orgId && m.User!.Email == email, cancellationToken))
        {
            return ApiProblems.Conflict("This person is already a member of the organization.");
        }

        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == orgId, cancellationToken);
        var lifetime = options.Value.InviteLifetime;
        var now = time.GetUtcNow().UtcDateTime;
        var token = SessionTokens.New();
        var invite = new Invite
        {
            Id = Guid.NewGuid(),
            OrgId = orgId,
            Email = email,
            Role = role,
            TokenHash = SessionTokens.Hash(token),
            InvitedBy = caller.UserId,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.Invites.Add(invite);
        var link = QueryHelpers.AddQueryString(options.Value.InviteAcceptUrl, "token", token);
        mailer.Enqueue(email, $"You are invited to {organization.Name} on Convergio",
            $"You have been invited to join the organization \"{organization.Name}\" on Convergio as {role.ToString().ToLowerInvariant()}.\n\n"
            + $"To accept, sign in with this email address and open this link within {(lifetime.TotalDays >= 1 ? $"{lifetime.TotalDays:0} days" : $"{lifetime.TotalHours:0} hours")}:\n{link}\n\n"
            + "If you did not expect this, ignore this message.");
        audit.Record(TenancyAuditActions.InviteCreated, orgId: orgId, targetType: "invite", targetId: invite.Id.ToString(), data: new { role });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created((string?)null, InviteResponse.From(invite));
    }

    private static async Task<Results<Ok<PagedList<InviteResponse>>, ValidationProblem>> ListAsync(
        Guid orgId, [AsParameters] PageRequest paging, ConvergioDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = paging.Errors();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var page = await Live(db, time.GetUtcNow().UtcDateTime)
            .Where(i => i.OrgId == orgId)
            .OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id)
            .Select(i => new InviteResponse(i.Id, i.Email, i.Role, i.InvitedBy, i.CreatedAt, i.ExpiresAt))
            .ToPageAsync(paging, cancellationToken);
        return TypedResults.Ok(page);
    }

    /// <summary>Deletes an unaccepted invite of this organization (expired or dead ones too, to clean up); no one can accept it afterwards.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid orgId, Guid inviteId, HttpContext http, ConvergioDb db, AuditLog audit, CancellationToken cancellationToken)
    {
        var invite = await db.Invites.SingleOrDefaultAsync(i => i.OrgId == orgId && i.Id == inviteId && i.AcceptedAt == null, cancellationToken);
        if (invite is null)
        {
            return ApiProblems.NotFound("No such pending invite in this organization.");
        }
        var caller = http.GetOrgCaller();
        if (invite.Role > caller.Role)
        {
            audit.Record(TenancyAuditActions.InviteRevoked, AuditOutcomes.Denied, orgId: orgId, targetType: "invite", targetId: inviteId.ToString(),
                data: new { reason = "role_above_own", role = invite.Role, held = caller.Role });
            await db.SaveChangesAsync(cancellationToken);
            return ApiProblems.Forbidden("You cannot revoke an invite for a role above your own.");
        }
        db.Invites.Remove(invite);
        audit.Record(TenancyAuditActions.InviteRevoked, orgId: orgId, targetType: "invite", targetId: inviteId.ToString(), data: new { role = invite.Role });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Invites that can still be accepted: unused, unexpired, and sent by someone who is still a member
    /// with admin+ and at least the invited role (roles are stored as names, so the test is a set, not &gt;=).
    /// </summary>
    private static IQueryable<Invite> Live(ConvergioDb db, DateTime now) =>
        db.Invites.Where(i => i.AcceptedAt == null && i.ExpiresAt > now
            && db.Memberships.Any(m => m.OrgId == i.OrgId && m.UserId == i.InvitedBy
                && (m.Role == OrgRole.Owner || m.Role == OrgRole.Admin && i.Role != OrgRole.Owner)));

    private static async Task<Results<Ok<OrgResponse>, ValidationProblem, ProblemHttpResult>> AcceptAsync(
        AcceptInviteRequest request, HttpContext http, ConvergioDb db, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        // One answer for unknown, expired, used and someone else's: the token's holder learns nothing more.
        var invalid = ApiProblems.Invalid("token", "This invitation is invalid, expired, already used, or addressed to another email address.");
        if (string.IsNullOrEmpty(request.Token))
        {
            return invalid;
        }
        var userId = http.User.GetUserId();
        var now = time.GetUtcNow().UtcDateTime;
        var hash = SessionTokens.Hash(request.Token);
        var invite = await db.Invites.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleAsync(cancellationToken);
        var reason = invite is null ? "unknown"
            : invite.AcceptedAt is not null ? "used"
            : invite.ExpiresAt <= now ? "expired"
            : !await Live(db, now).AnyAsync(i => i.Id == invite.Id, cancellationToken) ? "inviter_lost_role"
            : invite.Email != email ? "wrong_email"
            : null;
        if (invite is null || reason is not null)
        {
            audit.Record(TenancyAuditActions.InviteAcceptFailed, AuditOutcomes.Failure, orgId: invite?.OrgId,
                targetType: invite is null ? null : "invite", targetId: invite?.Id.ToString(), data: new { reason });
            await db.SaveChangesAsync(cancellationToken);
            return invalid;
        }
        if (await db.Memberships.AnyAsync(m => m.OrgId == invite.OrgId && m.UserId == userId, cancellationToken))
        {
            return ApiProblems.Conflict("You are already a member of this organization.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Single use even under concurrency: only one request flips accepted_at from null.
        // The inviter's standing is checked again in the statement that claims the invite.
        var claimed = await Live(db, now)
            .Where(i => i.Id == invite.Id)
            .TrySpendAsync(i => i.AcceptedAt, now, cancellationToken, alsoSet: set => set.SetProperty(i => i.AcceptedBy, userId));
        if (!claimed)
        {
            return invalid;
        }
        db.Memberships.Add(new Membership { OrgId = invite.OrgId, UserId = userId, Role = invite.Role, CreatedAt = now, UpdatedAt = now });
        audit.Record(TenancyAuditActions.InviteAccepted, orgId: invite.OrgId, targetType: "invite", targetId: invite.Id.ToString());
        audit.Record(TenancyAuditActions.MemberJoined, orgId: invite.OrgId, targetType: "user", targetId: userId.ToString(), data: new { role = invite.Role, via = "invite" });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return ApiProblems.Conflict("You are already a member of this organization.");
        }
        await transaction.CommitAsync(cancellationToken);

        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == invite.OrgId, cancellationToken);
        return TypedResults.Ok(OrgResponse.From(organization, invite.Role));
    }
}
