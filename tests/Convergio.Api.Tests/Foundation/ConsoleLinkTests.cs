using Convergio.Api.Auth;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Tenancy;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Tests.Foundation;

/// <summary>Mailed links lead to the console's pages: in Development, the console the API serves itself.</summary>
public sealed class ConsoleLinkTests
{
    [Fact]
    public async Task In_development_mail_links_point_at_the_same_origin_console_pages()
    {
        await using var factory = new ConvergioFactory();

        Assert.Equal("http://localhost:5080/reset-password", factory.Services.GetRequiredService<IOptions<AuthOptions>>().Value.ResetPasswordUrl);
        Assert.Equal("http://localhost:5080/verify-email", factory.Services.GetRequiredService<IOptions<EmailVerificationOptions>>().Value.VerifyEmailUrl);
        Assert.Equal("http://localhost:5080/invites/accept", factory.Services.GetRequiredService<IOptions<TenancyOptions>>().Value.InviteAcceptUrl);
    }

    [Fact]
    public void Outside_development_the_defaults_are_the_production_console_pages()
    {
        Assert.Equal("https://app.convergio.io/reset-password", new AuthOptions().ResetPasswordUrl);
        Assert.Equal("https://app.convergio.io/verify-email", new EmailVerificationOptions().VerifyEmailUrl);
        Assert.Equal("https://app.convergio.io/invites/accept", new TenancyOptions().InviteAcceptUrl);
    }
}
