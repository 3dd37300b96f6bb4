using Convergio.Api.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Tenancy;

/// <summary>An emailed invitation to join an organization. The database holds only the SHA-256 of its token.</summary>
public sealed class Invite
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }

    /// <summary>Normalized (<see cref="Emails.Normalize"/>); only the user with this email may accept.</summary>
    public required string Email { get; set; }

    public OrgRole Role { get; set; }
    public required byte[] TokenHash { get; set; }
    public Guid InvitedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? AcceptedAt { get; set; }
    public Guid? AcceptedBy { get; set; }
}

internal sealed class InviteConfiguration : IEntityTypeConfiguration<Invite>
{
    public void Configure(EntityTypeBuilder<Invite> builder)
    {
        builder.ToTable("invites");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Email).HasMaxLength(Emails.MaxLength);
        builder.Property(i => i.Role).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.TokenHash).HasMaxLength(32);
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.HasIndex(i => new { i.OrgId, i.CreatedAt });
        builder.HasOne<Organization>().WithMany().HasForeignKey(i => i.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}
