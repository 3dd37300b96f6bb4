using Microsoft.AspNetCore.Mvc;
using Convergio.Api.Auth;

namespace Convergio.Api.Admin;

public sealed record AdminUserResponse(Guid Id, string Email, string? FullName, bool IsPlatformAdmin, DateTime? DisabledAt, DateTime CreatedAt)
{
    public static AdminUserResponse From(User u) => new(u.Id, u.Email, u.FullName, u.IsPlatformAdmin, u.DisabledAt, u.CreatedAt);
}

public sealed record UserSearch([FromQuery(Name = "email")] string? Email);

public sealed record SessionsRevokedResponse(int Revoked);

/// <summary>Audit action names written by platform-admin endpoints and <c>convergio admin create</c>.</summary>
public static class AdminAuditActions
{
    public const string UsersListed = "admin.users_listed";
    public const string UserDisabled = "admin.user_disabled";
    public const string UserEnabled = "admin.user_enabled";
    public const string UserSessionsRevoked = "admin.user_sessions_revoked";
    public const string UserDeleted = "admin.user_deleted";
    public const string AuditRead = "admin.audit_read";
    public const string UserCreated = "admin.user_created";
    public const string UserPromoted = "admin.user_promoted";
}
