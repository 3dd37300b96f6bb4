using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Audit;

/// <summary>
/// One security-relevant action. Never holds passwords, tokens, cookies or keys.
/// Requests only insert events (<see cref="Id"/> is their insertion order); the background
/// <see cref="AuditSealer"/> later gives each one its place in the hash chain (<see cref="Seq"/>),
/// <see cref="PrevHash"/>, <see cref="Hash"/> and the keyed digest of its personal fields.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }

    /// <summary>Position in the hash chain, consecutive from 1; null until the event is sealed.</summary>
    public long? Seq { get; set; }
    public DateTime OccurredAt { get; set; }
    public Guid? ActorUserId { get; set; }
    public Guid? OrgId { get; set; }
    public required string Action { get; set; }
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    public required string Outcome { get; set; }
    /// <summary>Personal (erasable): the requester's address.</summary>
    public string? Ip { get; set; }

    /// <summary>Personal (erasable): the requester's user agent.</summary>
    public string? UserAgent { get; set; }

    /// <summary>
    /// Personal (erasable): the random per-event HMAC key of <see cref="PersonalDigest"/>, lowercase hex.
    /// Erasing it with <see cref="Ip"/> and <see cref="UserAgent"/> leaves a digest nobody can test guesses against.
    /// </summary>
    public string? PersonalKey { get; set; }

    /// <summary>HMAC-SHA256(<see cref="PersonalKey"/>, personal fields), lowercase hex; hashed into the chain in place of them.</summary>
    public string? PersonalDigest { get; set; }
    public string? RequestId { get; set; }

    /// <summary>Extra detail as a JSON object.</summary>
    public string? Data { get; set; }

    /// <summary>Hash of the previous event in the chain (lowercase hex SHA-256); all zeros for the first; null until sealed.</summary>
    public string? PrevHash { get; set; }

    /// <summary>SHA-256(prev hash || canonical form of this event), lowercase hex; null until sealed.</summary>
    public string? Hash { get; set; }
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
        builder.Property(e => e.PersonalKey).HasMaxLength(AuditChain.HashHexLength);
        builder.Property(e => e.PersonalDigest).HasMaxLength(AuditChain.HashHexLength);
        builder.Property(e => e.PrevHash).HasMaxLength(AuditChain.HashHexLength);
        builder.Property(e => e.Hash).HasMaxLength(AuditChain.HashHexLength);
        // Unique: two sealers that somehow ran at once could not both extend the chain (one fails and rolls back).
        // Also how the sealer finds the unsealed events (seq IS NULL) and the head.
        builder.HasIndex(e => e.Seq).IsUnique();
        builder.HasIndex(e => e.OccurredAt);
        builder.HasIndex(e => new { e.OrgId, e.OccurredAt });
        builder.HasIndex(e => new { e.ActorUserId, e.OccurredAt });
    }
}

