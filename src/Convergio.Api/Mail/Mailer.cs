using Convergio.Api.Data;

namespace Convergio.Api.Mail;

/// <summary>
/// Queues mail in the outbox of the current unit of work; the caller's SaveChangesAsync
/// commits it together with the change that caused it, and <see cref="OutboxSender"/> delivers it.
/// </summary>
public sealed class Mailer(ConvergioDb db, TimeProvider time)
{
    public OutboxEmail Enqueue(string to, string subject, string textBody, string? htmlBody = null)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var email = new OutboxEmail
        {
            Id = Guid.NewGuid(),
            To = to,
            Subject = subject,
            TextBody = textBody,
            HtmlBody = htmlBody,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        db.OutboxEmails.Add(email);
        return email;
    }
}
