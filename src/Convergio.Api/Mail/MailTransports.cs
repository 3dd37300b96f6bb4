using System.Security.Authentication;
using MailKit.Net.Smtp;
using MailKit.Security;
using Convergio.Api.Data;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Convergio.Api.Mail;

/// <summary>Delivers one message; throws when it could not.</summary>
public interface IMailTransport
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

/// <summary>Writes each message as an .eml file, as a mail server's pickup directory would receive it.</summary>
internal sealed class PickupDirectoryTransport(IOptions<EmailOptions> options) : IMailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(options.Value.PickupDirectory, DataRoot.Resolve());
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{message.MessageId}.eml");
        var temporary = path + ".tmp";
        await message.WriteToAsync(temporary, cancellationToken);
        // Readers never see a half-written file.
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>SMTP with TLS required (STARTTLS on 587, implicit TLS on 465) and TLS 1.2+ only.</summary>
internal sealed class SmtpTransport(IOptions<EmailOptions> options) : IMailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        using var client = new SmtpClient { SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 };
        var security = smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
        await client.ConnectAsync(smtp.Host!, smtp.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
        }
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
