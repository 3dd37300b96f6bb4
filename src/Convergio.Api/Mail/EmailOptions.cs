using System.ComponentModel.DataAnnotations;

namespace Convergio.Api.Mail;

public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>Sender address of every message.</summary>
    [Required]
    public string From { get; set; } = "Convergio <no-reply@convergio.io>";

    /// <summary>Where messages are written as .eml files when no SMTP host is configured (Development, tests).</summary>
    public string PickupDirectory { get; set; } = "data/mail";

    /// <summary>How often the outbox is polled when nothing new has been committed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    public SmtpOptions Smtp { get; set; } = new();
}

public sealed class SmtpOptions
{
    /// <summary>When set, mail goes out over SMTP with TLS 1.2+ instead of the pickup directory.</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public string? Username { get; set; }
    public string? Password { get; set; }
}
