using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Audit;

/// <summary>
/// One security-relevant action. Never holds passwords, tokens, cookies or keys.
/// Events form a hash chain (<see cref="AuditChain"/>): <see cref="Id"/> is the position in
/// the chain, assigned with <see cref="PrevHash"/> and <see cref="Hash"/> when the event is saved.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTime OccurredAt { get; set; }
    public Guid? ActorUserId { get; set; }
    public Guid? OrgId { get; set; }
    public required string Action { get; set; }
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    public required string Outcome { get; set; }
    public string? Ip { get; set; }
    public string? UserAgent { get; set; }
    public string? RequestId { get; set; }

    /// <summary>Extra detail as a JSON object.</summary>
    public string? Data { get; set; }

    /// <summary>Hash of the previous event in the chain (lowercase hex SHA-256); all zeros for the first.</summary>
    public string? PrevHash { get; set; }

    /// <summary>SHA-256(prev hash || canonical form of this event), lowercase hex.</summary>
    public string? Hash { get; set; }

    /// <summary>Not stored: the order events were recorded in, so one SaveChanges chains them in that order.</summary>
    internal long RecordOrder { get; set; }
}

public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Denied = "denied";
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("audit_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Action).HasMaxLength(100);
        builder.Property(e => e.TargetType).HasMaxLength(50);
        builder.Property(e => e.TargetId).HasMaxLength(100);
        builder.Property(e => e.Outcome).HasMaxLength(20);
        builder.Property(e => e.Ip).HasMaxLength(64);
        builder.Property(e => e.UserAgent).HasMaxLength(512);
        builder.Property(e => e.RequestId).HasMaxLength(128);
        // Text, not jsonb: the stored bytes are what was hashed (jsonb would reorder keys).
        builder.Property(e => e.Data).HasColumnType("text");
        // Not null in the database, so an event saved without the chain interceptor fails loudly.
        builder.Property(e => e.PrevHash).HasMaxLength(AuditChain.HashHexLength).IsRequired();
        builder.Property(e => e.Hash).HasMaxLength(AuditChain.HashHexLength).IsRequired();
        builder.HasIndex(e => e.OccurredAt);
        builder.HasIndex(e => new { e.OrgId, e.OccurredAt });
        builder.HasIndex(e => new { e.ActorUserId, e.OccurredAt });
    }
}

