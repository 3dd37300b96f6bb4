using Convergio.Api.Account;
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
        Assert.Equal("http://localhost:5080/email-change/confirm", factory.Services.GetRequiredService<IOptions<AccountOptions>>().Value.EmailChangeConfirmUrl);
    }

    [Fact]
    public async Task Every_mailed_link_opens_a_page_the_console_serves()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();
        var auth = factory.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        string[] links =
        [
            auth.ResetPasswordUrl, auth.SignInUrl, auth.ForgotPasswordUrl, auth.SessionsUrl,
            factory.Services.GetRequiredService<IOptions<EmailVerificationOptions>>().Value.VerifyEmailUrl,
            factory.Services.GetRequiredService<IOptions<TenancyOptions>>().Value.InviteAcceptUrl,
            factory.Services.GetRequiredService<IOptions<AccountOptions>>().Value.EmailChangeConfirmUrl,
        ];

        foreach (var link in links)
        {
            var response = await client.GetAsync(new Uri(link).PathAndQuery, TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK && response.Content.Headers.ContentType?.MediaType == "text/html",
                $"{link}: {(int)response.StatusCode} {response.Content.Headers.ContentType}");
        }
    }

    [Fact]
    public void Outside_development_the_defaults_are_the_production_console_pages()
    {
        Assert.Equal("https://app.convergio.io/reset-password", new AuthOptions().ResetPasswordUrl);
        Assert.Equal("https://app.convergio.io/verify-email", new EmailVerificationOptions().VerifyEmailUrl);
        Assert.Equal("https://app.convergio.io/invites/accept", new TenancyOptions().InviteAcceptUrl);
        Assert.Equal("https://app.convergio.io/sign-in", new AuthOptions().SignInUrl);
        Assert.Equal("https://app.convergio.io/email-change/confirm", new AccountOptions().EmailChangeConfirmUrl);
    }
}
