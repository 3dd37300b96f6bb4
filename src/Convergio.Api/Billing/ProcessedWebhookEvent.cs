using Convergio.Api.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Billing;

/// <summary>
/// A webhook event that has been handled. The primary key on the provider's event id is what
/// makes delivery idempotent: a second delivery, even a concurrent one, cannot insert it again.
/// </summary>
public sealed class ProcessedWebhookEvent
{
    /// <summary>The provider's event id (Stripe: <c>evt_…</c>).</summary>
    public required string Id { get; set; }

    public required string Provider { get; set; }
    public required string Type { get; set; }

    /// <summary>When the provider created the event; orders events that arrive out of order.</summary>
    public DateTime EventCreatedAt { get; set; }

    public DateTime ProcessedAt { get; set; }

    /// <summary>The organization whose tier the event set, when it set one.</summary>
    public Guid? AppliedToOrgId { get; set; }
}

internal sealed class ProcessedWebhookEventConfiguration : IEntityTypeConfiguration<ProcessedWebhookEvent>
{
    public void Configure(EntityTypeBuilder<ProcessedWebhookEvent> builder)
    {
        builder.ToTable("processed_webhook_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).HasMaxLength(255);
        builder.Property(e => e.Provider).HasMaxLength(32);
        builder.Property(e => e.Type).HasMaxLength(100);
        builder.HasIndex(e => new { e.AppliedToOrgId, e.EventCreatedAt });
        builder.HasOne<Organization>().WithMany().HasForeignKey(e => e.AppliedToOrgId).OnDelete(DeleteBehavior.SetNull);
    }
}
