using Convergio.Api.Auth.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Tenancy;

/// <summary>A tenant. Everything tenant-scoped carries its id.</summary>
public sealed class Organization
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Slug { get; set; }

    /// <summary>Billing tier, set by Stripe webhooks; never bound from a request body.</summary>
    public string Tier { get; set; } = OrganizationTiers.Free;

    public DateTime CreatedAt { get; set; }
}

public static class OrganizationTiers
{
    public const string Free = "free";
}

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.ToTable("organizations");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.Slug).HasMaxLength(100);
        builder.Property(o => o.Tier).HasMaxLength(50);
        builder.HasIndex(o => o.Slug).IsUnique();
        // Declared here because Auth sits below Tenancy: an organization-limited API token ends with its organization.
        builder.HasMany<ApiToken>().WithOne().HasForeignKey(t => t.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}
