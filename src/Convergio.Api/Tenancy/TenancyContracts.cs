using Convergio.Api.Edge;

namespace Convergio.Api.Tenancy;

// Mass assignment: request bodies carry only what the caller may set. Tier, orgId, createdBy, platform-admin
// flags and (outside invites and role changes) roles have no property here, so they cannot bind; unknown
// JSON fields are ignored, as everywhere in this API (System.Text.Json's default), and change nothing.

public sealed record CreateOrgRequest(string? Name, string? Slug);

public sealed record UpdateOrgRequest(string? Name, string? Slug);

public sealed record OrgResponse(Guid Id, string Name, string Slug, string Tier, DateTime CreatedAt, OrgRole Role)
{
    public static OrgResponse From(Organization o, OrgRole role) => new(o.Id, o.Name, o.Slug, o.Tier, o.CreatedAt, role);
}

public sealed record MemberResponse(Guid UserId, string Email, string? FullName, OrgRole Role, DateTime JoinedAt);

public sealed record ChangeRoleRequest(OrgRole? Role);

public sealed record CreateInviteRequest(string? Email, OrgRole? Role);

public sealed record InviteResponse(Guid Id, string Email, OrgRole Role, Guid InvitedBy, DateTime CreatedAt, DateTime ExpiresAt)
{
    public static InviteResponse From(Invite i) => new(i.Id, i.Email, i.Role, i.InvitedBy, i.CreatedAt, i.ExpiresAt);
}

public sealed record AcceptInviteRequest(string? Token);

public sealed record CreateProjectRequest(string? Name, [property: MultiLine] string? Description);

/// <summary>Absent fields stay as they are; an empty description clears it.</summary>
public sealed record UpdateProjectRequest(string? Name, [property: MultiLine] string? Description);

public sealed record ProjectResponse(Guid Id, string Name, string? Description, Guid CreatedBy, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static ProjectResponse From(Project p) => new(p.Id, p.Name, p.Description, p.CreatedBy, p.CreatedAt, p.UpdatedAt);
}

/// <summary>Audit action names written by organization, membership, invite and project endpoints.</summary>
public static class TenancyAuditActions
{
    public const string OrgCreated = "org.created";
    public const string OrgUpdated = "org.updated";
    public const string OrgDeleted = "org.deleted";
    public const string OrgAuditRead = "org.audit_read";
    public const string MemberRoleChanged = "member.role_changed";
    public const string MemberRemoved = "member.removed";
    public const string MemberLeft = "member.left";
    public const string MemberJoined = "member.joined";
    public const string InviteCreated = "invite.created";
    public const string InviteAccepted = "invite.accepted";
    public const string InviteAcceptFailed = "invite.accept_failed";
    public const string InviteRevoked = "invite.revoked";
    public const string ProjectCreated = "project.created";
    public const string ProjectUpdated = "project.updated";
    public const string ProjectDeleted = "project.deleted";
}
