using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Mail;

public static class MailExtensions
{
    public static WebApplicationBuilder AddMail(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>()
            .BindConfiguration(EmailOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => MimeKit.MailboxAddress.TryParse(o.From, out _), "Email:From is not a valid address.")
            .ValidateOnStart();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<IInterceptor, OutboxSaveInterceptor>();
        builder.Services.AddSingleton<IInterceptor, OutboxTransactionInterceptor>();
        builder.Services.AddScoped<Mailer>();
        builder.Services.AddSingleton<MailTemplates>();
        builder.Services.AddSingleton<IMailTransport>(sp =>
            string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<EmailOptions>>().Value.Smtp.Host)
                ? ActivatorUtilities.CreateInstance<PickupDirectoryTransport>(sp)
                : ActivatorUtilities.CreateInstance<SmtpTransport>(sp));
        builder.Services.AddHostedService<OutboxSender>();
        return builder;
    }
}

/// <summary>Production mail leaves through SMTP; a pickup directory on a container disk reaches no one.</summary>
internal sealed class SmtpRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[$"{EmailOptions.Section}:Smtp:Host"]))
        {
            yield return new(GuardSeverity.Warning, "email", "Email:Smtp:Host is not set; password-reset, invite and security-report mail is only written to Email:PickupDirectory.");
        }
    }
}
