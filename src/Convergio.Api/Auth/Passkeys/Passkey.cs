using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Auth.Passkeys;

/// <summary>A WebAuthn credential (passkey) registered to a user: public key and signature counter only.</summary>
public sealed class Passkey
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required byte[] CredentialId { get; set; }

    /// <summary>COSE-encoded public key.</summary>
    public required byte[] PublicKey { get; set; }

    /// <summary>The authenticator's signature counter at its last use; a counter that does not advance betrays a clone.</summary>
    public long SignCount { get; set; }

    public required string Name { get; set; }
    public Guid AaGuid { get; set; }
    public bool IsBackupEligible { get; set; }
    public bool IsBackedUp { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
}

internal sealed class PasskeyConfiguration : IEntityTypeConfiguration<Passkey>
{
    public void Configure(EntityTypeBuilder<Passkey> builder)
    {
        builder.ToTable("passkeys");
        builder.HasKey(p => p.Id);
        // WebAuthn caps credential ids at 1023 bytes.
        builder.Property(p => p.CredentialId).HasMaxLength(1023);
        builder.HasIndex(p => p.CredentialId).IsUnique();
        builder.Property(p => p.PublicKey).HasMaxLength(2048);
        builder.Property(p => p.Name).HasMaxLength(PasskeyNames.MaxLength);
        builder.HasIndex(p => p.UserId);
        builder.HasOne<User>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

public static class PasskeyNames
{
    public const int MaxLength = 100;
    public const string Default = "Passkey";

    /// <summary>The name given when a passkey is added: optional there (the browser's prompt comes first), so cut to fit rather than refused.</summary>
    public static string Normalize(string? name) =>
        string.IsNullOrWhiteSpace(name) ? Default : name.Trim() is var trimmed && trimmed.Length > MaxLength ? trimmed[..MaxLength] : trimmed;

    /// <summary>A new name for a passkey (already trimmed): required, at most <see cref="MaxLength"/> characters.</summary>
    public static Dictionary<string, string[]> Validate(string name)
    {
        var errors = new Dictionary<string, string[]>();
        if (name.Length is 0 or > MaxLength)
        {
            errors["name"] = [$"Name is required, at most {MaxLength} characters."];
        }
        return errors;
    }
}
