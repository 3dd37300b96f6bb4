namespace Convergio.Api.Auth.Tokens;

/// <summary>Whether a user belongs to an organization; implemented by Tenancy, which sits above Auth.</summary>
public interface IOrganizationMembership
{
    Task<bool> IsMemberAsync(Guid orgId, Guid userId, CancellationToken cancellationToken);
}
