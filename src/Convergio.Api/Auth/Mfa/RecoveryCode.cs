using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Auth.Mfa;

/// <summary>A single-use recovery code; only its SHA-256 is stored.</summary>
public sealed class RecoveryCode
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required byte[] CodeHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? UsedAt { get; set; }
}

internal sealed class RecoveryCodeConfiguration : IEntityTypeConfiguration<RecoveryCode>
{
    public void Configure(EntityTypeBuilder<RecoveryCode> builder)
    {
        builder.ToTable("recovery_codes");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.CodeHash).HasMaxLength(32);
        builder.HasIndex(c => new { c.UserId, c.CodeHash });
        builder.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Recovery codes: 16 random base32 characters (80 bits), shown as <c>xxxx-xxxx-xxxx-xxxx</c>.
/// They are stored as plain SHA-256, not Argon2id: a slow hash protects guessable secrets such
/// as passwords, but 80 random bits cannot be searched even at billions of SHA-256 per second,
/// and a fast deterministic hash lets the lookup be one indexed query.
/// </summary>
public static class RecoveryCodes
{
    public const int Count = 10;
    private const int Length = 16;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string New()
    {
        var chars = RandomNumberGenerator.GetString(Alphabet, Length);
        return string.Join('-', chars.Chunk(4).Select(c => new string(c)));
    }

    /// <summary>The hash of a code as typed: dashes, spaces and case do not matter.</summary>
    public static byte[] Hash(string code) => SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(code)));

    /// <summary>Whether the input has the shape of a recovery code (rather than a six-digit TOTP code).</summary>
    public static bool LooksLikeRecoveryCode(string? code) =>
        code is not null && Normalize(code) is { Length: Length } normalized && normalized.All(Alphabet.Contains);

    private static string Normalize(string code) =>
        new(code.Where(c => c != '-' && !char.IsWhiteSpace(c)).Select(char.ToLowerInvariant).ToArray());
}
