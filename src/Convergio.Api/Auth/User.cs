using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Auth;

public sealed class User
{
    public Guid Id { get; set; }

    /// <summary>Normalized (<see cref="Emails.Normalize"/>); unique.</summary>
    public required string Email { get; set; }

    public string? FullName { get; set; }

    /// <summary>Argon2id PHC string.</summary>
    public required string PasswordHash { get; set; }

    public string Tier { get; set; } = "free";
    public bool IsPlatformAdmin { get; set; }
    public DateTime? DisabledAt { get; set; }

    /// <summary>When the account was erased: its row stays as a tombstone (the audit trail names its id), without personal data or credentials.</summary>
    public DateTime? DeletedAt { get; set; }
    public DateTime? EmailVerifiedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Email).HasMaxLength(Emails.MaxLength);
        builder.HasIndex(u => u.Email).IsUnique();
        builder.Property(u => u.FullName).HasMaxLength(200);
        builder.Property(u => u.PasswordHash).HasMaxLength(200);
        builder.Property(u => u.Tier).HasMaxLength(50);
    }
}
