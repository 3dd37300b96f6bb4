using Convergio.Api.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Auth.Mfa;

/// <summary>
/// A user's TOTP authenticator (one per user). The shared secret is a Fernet token under the
/// encryption key ring, never stored in clear. Until <see cref="ConfirmedAt"/> is set the
/// enrolment is pending and plays no part in sign-in.
/// </summary>
public sealed class TotpCredential
{
    public Guid UserId { get; set; }

    /// <summary>The base32 secret, encrypted with the Fernet key ring.</summary>
    public required string SecretCiphertext { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? ConfirmedAt { get; set; }

    /// <summary>The RFC 6238 time step of the last accepted code: that code and older ones are refused.</summary>
    public long? LastUsedTimeStep { get; set; }
}

internal sealed class TotpCredentialConfiguration : IEntityTypeConfiguration<TotpCredential>
{
    public void Configure(EntityTypeBuilder<TotpCredential> builder)
    {
        builder.ToTable("totp_credentials");
        builder.HasKey(t => t.UserId);
        builder.Property(t => t.SecretCiphertext).HasMaxLength(500).IsFernetEncrypted();
        builder.HasOne<User>().WithOne().HasForeignKey<TotpCredential>(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
