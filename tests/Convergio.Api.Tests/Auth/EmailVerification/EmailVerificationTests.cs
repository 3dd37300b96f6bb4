using System.Net;
using System.Security.Claims;
using Convergio.Api.Auth;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Auth.EmailVerification;

public sealed class EmailVerificationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<string> TokenFromMailAsync(ConvergioFactory factory, string email) =>
        MailPickup.WaitForLinkTokenAsync(factory.MailDirectory, email, "/verify-email");

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_registration_mail_verifies_the_email_once(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        Assert.False((await ReadJsonAsync(await user.Browser.GetAsync("/api/v1/auth/me"))).GetProperty("emailVerified").GetBoolean());
        var token = await TokenFromMailAsync(factory, user.Email);
        using var anonymous = factory.CreateBrowser();

        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostJsonAsync("/api/v1/auth/verify-email", new { token })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostJsonAsync("/api/v1/auth/verify-email", new { token })).StatusCode);

        Assert.True((await ReadJsonAsync(await user.Browser.GetAsync("/api/v1/auth/me"))).GetProperty("emailVerified").GetBoolean());
        var stored = await factory.WithDbAsync(d => d.EmailVerificationTokens.SingleAsync(t => t.UserId == user.Id, Cancel));
        Assert.Equal(SessionTokens.Hash(token), stored.TokenHash);
        Assert.Equal(1, await factory.WithDbAsync(d => d.AuditEvents.CountAsync(e => e.Action == "auth.email.verified" && e.ActorUserId == user.Id, Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_link_older_than_24_hours_is_refused(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        var token = await TokenFromMailAsync(factory, user.Email);

        factory.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        var response = await user.Browser.PostJsonAsync("/api/v1/auth/verify-email", new { token });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_resent_link_verifies_too()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        await TokenFromMailAsync(factory, user.Email);

        Assert.Equal(HttpStatusCode.Accepted, (await user.Browser.PostJsonAsync("/api/v1/auth/verify-email/resend", new { })).StatusCode);
        var token = await TokenFromMailAsync(factory, user.Email);

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.PostJsonAsync("/api/v1/auth/verify-email", new { token })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await user.Browser.PostJsonAsync("/api/v1/auth/verify-email/resend", new { })).StatusCode);
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(true, true, true)]
    [InlineData(false, false, true)]
    public async Task The_configured_verified_email_requirement_follows_the_setting(bool required, bool verified, bool allowed)
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["Auth:RequireVerifiedEmail"] = required.ToString() });
        var claims = new List<Claim> { new(ConvergioClaims.UserId, Guid.NewGuid().ToString()) };
        if (verified)
        {
            claims.Add(new(ConvergioClaims.EmailVerified, "true"));
        }

        var result = await factory.Services.GetRequiredService<IAuthorizationService>()
            .AuthorizeAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, AuthNames.Scheme)), null, [VerifiedEmailRequirement.WhenConfigured]);

        Assert.Equal(allowed, result.Succeeded);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_unconditional_verified_email_requirement_ignores_the_setting(bool required)
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["Auth:RequireVerifiedEmail"] = required.ToString() });
        var unverified = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ConvergioClaims.UserId, Guid.NewGuid().ToString())], AuthNames.Scheme));

        var result = await factory.Services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(unverified, null, [VerifiedEmailRequirement.Always]);

        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task Verified_email_is_not_required_outside_production_by_default()
    {
        await using var factory = new ConvergioFactory();

        Assert.False(factory.Services.GetRequiredService<IOptions<EmailVerificationOptions>>().Value.RequireVerifiedEmail);
    }
}
