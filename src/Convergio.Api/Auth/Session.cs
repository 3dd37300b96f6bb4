using Convergio.Api.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Convergio.Api.Auth;

/// <summary>A signed-in browser. The database holds only the SHA-256 of the cookie's token.</summary>
public sealed class Session
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public User? User { get; set; }
    public required byte[] TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastSeenAt { get; set; }

    /// <summary>Absolute end of the session, whatever the activity.</summary>
    public DateTime ExpiresAt { get; set; }

    public string? Ip { get; set; }
    public string? UserAgent { get; set; }

    /// <summary>How the user proved who they are: one of <see cref="SessionMethods"/>.</summary>
    public string Method { get; set; } = SessionMethods.Password;

    /// <summary>When the sign-in, second factor or reauthentication that created this session completed: the step-up clock.</summary>
    public DateTime AuthenticatedAt { get; set; }

    /// <summary>The last step-up (password, code or passkey asked again), if any.</summary>
    public DateTime? ReauthenticatedAt { get; set; }

    /// <summary>Password accepted, second factor still owed: the session may only verify it or log out.</summary>
    public bool SecondFactorPending { get; set; }

    /// <summary>The browser's device cookie id (see <see cref="DeviceCookies"/>); null for sessions from before device cookies.</summary>
    public Guid? DeviceId { get; set; }

    /// <summary>Second-factor codes tried on this pending session.</summary>
    public int SecondFactorAttempts { get; set; }
}

/// <summary>How a session was authenticated (its assurance), strongest last.</summary>
public static class SessionMethods
{
    public const string Password = "password";
    public const string PasswordAndTotp = "password+totp";
    public const string PasswordAndRecoveryCode = "password+recovery";
    public const string Passkey = "passkey";

    /// <summary>Two factors: a password and a code, or a passkey (possession plus user verification).</summary>
    public static bool IsMultiFactor(string method) => method is PasswordAndTotp or PasswordAndRecoveryCode or Passkey;
}

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.ToTable("sessions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.TokenHash).HasMaxLength(32);
        builder.HasIndex(s => s.TokenHash).IsUnique();
        builder.HasIndex(s => s.UserId);
        builder.HasIndex(s => s.ExpiresAt);
        builder.Property(s => s.Ip).HasMaxLength(64);
        builder.Property(s => s.UserAgent).HasMaxLength(AuditLog.MaxUserAgentLength);
        builder.Property(s => s.Method).HasMaxLength(32);
        builder.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
