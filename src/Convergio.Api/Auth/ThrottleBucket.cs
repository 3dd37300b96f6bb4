using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Auth;

/// <summary>
/// Attempt counters that must hold across instances and restarts (login failures per account,
/// password-change attempts per user). The key never contains an email in clear.
/// </summary>
public sealed class ThrottleBucket
{
    public required string Key { get; set; }
    public int Count { get; set; }
    public DateTime WindowStartedAt { get; set; }
    public DateTime? BlockedUntil { get; set; }
}

internal sealed class ThrottleBucketConfiguration : IEntityTypeConfiguration<ThrottleBucket>
{
    public void Configure(EntityTypeBuilder<ThrottleBucket> builder)
    {
        builder.ToTable("throttle_buckets");
        builder.HasKey(b => b.Key);
        builder.Property(b => b.Key).HasMaxLength(100);
    }
}
