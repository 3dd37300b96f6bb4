using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Tenancy;

/// <summary>The tenant-scoped resource: every query names its organization.</summary>
public sealed class Project
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 2000;

    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public Guid CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> builder)
    {
        builder.ToTable("projects");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Name).HasMaxLength(Project.MaxNameLength);
        builder.Property(p => p.Description).HasMaxLength(Project.MaxDescriptionLength);
        builder.HasIndex(p => new { p.OrgId, p.CreatedAt });
        builder.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}
