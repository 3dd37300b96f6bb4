using Convergio.Api.Auth;
using Convergio.Api.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.ProviderKeys;

/// <summary>A user's API key for an AI provider, stored only as a Fernet token.</summary>
public sealed class ProviderKey
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string Provider { get; set; }
    public string? Label { get; set; }

    /// <summary>The key encrypted with the primary key of <see cref="FernetKeyRing"/>.</summary>
    public required string Ciphertext { get; set; }

    /// <summary>The key's last four characters, so a user can tell keys apart.</summary>
    public required string Last4 { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
}

internal sealed class ProviderKeyConfiguration : IEntityTypeConfiguration<ProviderKey>
{
    public void Configure(EntityTypeBuilder<ProviderKey> builder)
    {
        builder.ToTable("provider_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Provider).HasMaxLength(32);
        builder.Property(k => k.Label).HasMaxLength(ProviderKeyRules.MaxLabelLength);
        builder.Property(k => k.Ciphertext).HasMaxLength(2048).IsFernetEncrypted();
        builder.Property(k => k.Last4).HasMaxLength(4);
        builder.HasIndex(k => new { k.UserId, k.CreatedAt });
        builder.HasOne<User>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
