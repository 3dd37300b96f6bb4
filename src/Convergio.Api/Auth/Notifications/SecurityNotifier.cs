using System.Globalization;
using Convergio.Api.Audit;
using Convergio.Api.Data;
using Convergio.Api.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth.Notifications;

/// <summary>The security events the account's owner is told about by mail (Templates/security-notice.*.liquid).</summary>
public static class SecurityNotices
{
    public const string NewDeviceSignIn = "new_device_sign_in";
    public const string PasswordChanged = "password_changed";
    public const string PasswordReset = "password_reset";
    public const string TotpEnabled = "totp_enabled";
    public const string TotpDisabled = "totp_disabled";
    public const string PasskeyAdded = "passkey_added";
    public const string PasskeyRemoved = "passkey_removed";
    public const string RecoveryCodesRegenerated = "recovery_codes_regenerated";
    public const string RecoveryCodeUsed = "recovery_code_used";
    public const string AccountDisabled = "account_disabled";
    public const string EmailChanged = "email_changed";
}

/// <summary>
/// Queues a security notice to the account's address in the current unit of work, so it is sent only if
/// the change commits. It says when, from which IP address and user agent (no third-party geolocation),
/// and, when it was not the owner, where to reset the password and sign out other sessions. It carries
/// no token: those links open the console's pages, where the owner proves who they are again.
/// </summary>
public sealed class SecurityNotifier(
    ConvergioDb db, Mailer mailer, MailTemplates templates, DeviceCookies devices, IHttpContextAccessor httpContextAccessor,
    IOptions<AuthOptions> options, TimeProvider time)
{
    public const string Template = "security-notice";

    /// <summary>As <see cref="NotifyAsync(User, string, string?, bool)"/>, for the signed-in user known by id.</summary>
    public async Task NotifyAsync(Guid userId, string notice, string? detail = null) =>
        await NotifyAsync(await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId), notice, detail);

    /// <param name="byTheOwner">False when someone else acted (an administrator): the request's address and browser are theirs, not news for the owner.</param>
    public async Task NotifyAsync(User user, string notice, string? detail = null, bool byTheOwner = true)
    {
        var request = byTheOwner ? httpContextAccessor.HttpContext : null;
        var mail = await templates.RenderAsync(Template, new Dictionary<string, string?>
        {
            ["notice"] = notice,
            ["name"] = user.FullName,
            ["time"] = time.GetUtcNow().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["ip"] = request?.Connection.RemoteIpAddress?.ToString(),
            ["user_agent"] = AuditLog.UserAgentOf(request),
            ["reset_url"] = options.Value.ForgotPasswordUrl,
            ["sessions_url"] = options.Value.SessionsUrl,
            ["detail"] = detail,
        });
        mailer.Enqueue(user.Email, mail.Subject, mail.Text, mail.Html);
    }

    /// <summary>Tells the owner about a completed sign-in from a browser that holds no device cookie for the account.</summary>
    public async Task NotifyIfNewDeviceAsync(HttpContext http, User user)
    {
        if (devices.PresentedFor(http, user.Email) is null)
        {
            await NotifyAsync(user, SecurityNotices.NewDeviceSignIn);
        }
    }
}
