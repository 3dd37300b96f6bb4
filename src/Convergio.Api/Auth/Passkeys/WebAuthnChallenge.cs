using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Auth.Passkeys;

/// <summary>
/// An outstanding WebAuthn ceremony, kept server-side: the options sent to the browser, found
/// again by the challenge the authenticator signed, deleted on first use and worthless after
/// <see cref="PasskeyCeremonies.ChallengeLifetime"/>.
/// </summary>
public sealed class WebAuthnChallenge
{
    public Guid Id { get; set; }
    public required byte[] Challenge { get; set; }

    /// <summary>One of <see cref="WebAuthnPurposes"/>: a challenge is good only for the ceremony it was made for.</summary>
    public required string Purpose { get; set; }

    /// <summary>The signed-in user the ceremony belongs to; null for sign-in.</summary>
    public Guid? UserId { get; set; }

    public required string OptionsJson { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
}

public static class WebAuthnPurposes
{
    public const string Register = "register";
    public const string Login = "login";
    public const string Reauthenticate = "reauthenticate";
}

internal sealed class WebAuthnChallengeConfiguration : IEntityTypeConfiguration<WebAuthnChallenge>
{
    public void Configure(EntityTypeBuilder<WebAuthnChallenge> builder)
    {
        builder.ToTable("webauthn_challenges");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Challenge).HasMaxLength(64);
        builder.HasIndex(c => c.Challenge).IsUnique();
        builder.Property(c => c.Purpose).HasMaxLength(20);
        builder.HasIndex(c => c.ExpiresAt);
        builder.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
