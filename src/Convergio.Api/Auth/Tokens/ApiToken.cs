using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Auth.Tokens;

/// <summary>A personal access token of a user. The database holds only the SHA-256 of the token; revoking deletes the row.</summary>
public sealed class ApiToken
{
    public const int MaxNameLength = 100;

    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public User? User { get; set; }
    public required string Name { get; set; }
    public required byte[] TokenHash { get; set; }

    /// <summary>Space-separated <see cref="TokenScopes"/>.</summary>
    public required string Scopes { get; set; }

    /// <summary>The one organization the token may reach, or null for every organization of the user (the foreign key is Tenancy's).</summary>
    public Guid? OrgId { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.ToTable("api_tokens");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Name).HasMaxLength(ApiToken.MaxNameLength);
        builder.Property(t => t.TokenHash).HasMaxLength(32);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.UserId);
        builder.Property(t => t.Scopes).HasMaxLength(200);
        builder.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
