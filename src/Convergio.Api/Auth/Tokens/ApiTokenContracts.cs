namespace Convergio.Api.Auth.Tokens;

public sealed record CreateApiTokenRequest(string? Name, IReadOnlyList<string>? Scopes, DateTimeOffset? ExpiresAt, Guid? OrgId);

/// <summary>The new token, with its secret: the only time the secret is shown.</summary>
public sealed record CreatedApiTokenResponse(
    Guid Id,
    string Token,
    string Name,
    IReadOnlyList<string> Scopes,
    DateTime ExpiresAt,
    Guid? OrgId);

public sealed record ApiTokenResponse(Guid Id, string Name, IReadOnlyList<string> Scopes, DateTime ExpiresAt, Guid? OrgId, DateTime CreatedAt, DateTime? LastUsedAt);

public static class ApiTokenAuditActions
{
    public const string Created = "auth.token.created";
    public const string Revoked = "auth.token.revoked";
}
