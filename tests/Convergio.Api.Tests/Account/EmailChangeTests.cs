using System.Net;
using Convergio.Api.Account;
using Convergio.Api.Auth;
using Convergio.Api.Mail;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Tests.Account;

/// <summary>
/// POST /api/v1/auth/email-change and its public confirmation: a link to the new address, nothing
/// changed until it is followed, then the address moves (verified), the old one is told and every
/// other session ends.
/// </summary>
public sealed class EmailChangeTests
{
    private const string RequestPath = "/api/v1/auth/email-change";
    private const string ConfirmPath = "/api/v1/auth/email-change/confirm";
    private const string LinkPath = "/email-change/confirm";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<string> RequestChangeAsync(ConvergioFactory factory, SignedInUser user, string newEmail)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await user.Browser.PostJsonAsync(RequestPath, new { newEmail })).StatusCode);
        return await MailPickup.WaitForLinkTokenAsync(factory.MailDirectory, newEmail, LinkPath);
    }

    private static async Task<HttpResponseMessage> ConfirmAsync(ConvergioFactory factory, string token)
    {
        using var browser = factory.CreateBrowser();
        return await browser.PostJsonAsync(ConfirmPath, new { token });
    }

    /// <summary>The security notice's subject (Auth/Notifications/Templates).</summary>
    private const string NoticeSubject = "The email address of your Convergio account was changed";

    private static Task<User> StoredUserAsync(ConvergioFactory factory, Guid id) =>
        factory.WithDbAsync(d => d.Users.AsNoTracking().SingleAsync(u => u.Id == id, Cancel));

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_request_mails_a_link_to_the_new_address_stores_only_its_hash_and_changes_nothing_yet(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        var newEmail = AuthTestExtensions.NewEmail();

        var token = await RequestChangeAsync(factory, user, newEmail);

        Assert.Equal(user.Email, (await StoredUserAsync(factory, user.Id)).Email);
        var stored = await factory.WithDbAsync(d => d.EmailChangeTokens.AsNoTracking().SingleAsync(t => t.UserId == user.Id, Cancel));
        Assert.Equal(SessionTokens.Hash(token), stored.TokenHash);
        Assert.Equal(newEmail, stored.NewEmail);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Following_the_link_moves_the_account_to_the_new_address_verified_and_audited(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        var newEmail = AuthTestExtensions.NewEmail();
        var token = await RequestChangeAsync(factory, user, newEmail);

        Assert.Equal(HttpStatusCode.NoContent, (await ConfirmAsync(factory, token)).StatusCode);

        var stored = await StoredUserAsync(factory, user.Id);
        Assert.Equal(newEmail, stored.Email);
        Assert.Equal(factory.Time.GetUtcNow().UtcDateTime, stored.EmailVerifiedAt);
        Assert.Equal(1, await factory.WithDbAsync(d => d.AuditEvents.CountAsync(e => e.Action == AccountAuditActions.EmailChanged && e.ActorUserId == user.Id, Cancel)));
    }

    [Fact]
    public async Task After_the_change_the_new_address_signs_in_and_the_old_one_does_not()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var newEmail = AuthTestExtensions.NewEmail();
        Assert.Equal(HttpStatusCode.NoContent, (await ConfirmAsync(factory, await RequestChangeAsync(factory, user, newEmail))).StatusCode);
        using var browser = factory.CreateBrowser();

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.LoginAsync(user.Email, user.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.LoginAsync(newEmail, user.Password)).StatusCode);
    }

    [Fact]
    public async Task The_old_address_is_told_with_the_reset_and_sessions_links_and_no_token()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var token = await RequestChangeAsync(factory, user, AuthTestExtensions.NewEmail());

        Assert.Equal(HttpStatusCode.NoContent, (await ConfirmAsync(factory, token)).StatusCode);

        var notice = Assert.Single(await factory.WithDbAsync(d => d.OutboxEmails.AsNoTracking()
            .Where(e => e.To == user.Email && e.Subject == NoticeSubject).ToListAsync(Cancel)));
        var options = factory.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        Assert.Contains(options.ForgotPasswordUrl, notice.TextBody, StringComparison.Ordinal);
        Assert.Contains(options.SessionsUrl, notice.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{options.SessionsUrl}\"", notice.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain(token, notice.TextBody + notice.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("token=", notice.TextBody + notice.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Confirming_ends_every_session_except_the_one_that_asked(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        using var laptop = await factory.SignInAsync(user);
        var token = await RequestChangeAsync(factory, user, AuthTestExtensions.NewEmail());

        Assert.Equal(HttpStatusCode.NoContent, (await ConfirmAsync(factory, token)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await user.Browser.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Fact]
    public async Task A_link_works_once()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var token = await RequestChangeAsync(factory, user, AuthTestExtensions.NewEmail());
        Assert.Equal(HttpStatusCode.NoContent, (await ConfirmAsync(factory, token)).StatusCode);

        await ProblemAssert.IsValidationProblemAsync(await ConfirmAsync(factory, token), "token");
    }

    [Fact]
    public async Task An_expired_link_is_400_and_changes_nothing()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var token = await RequestChangeAsync(factory, user, AuthTestExtensions.NewEmail());
        factory.Time.Advance(factory.Services.GetRequiredService<IOptions<AccountOptions>>().Value.EmailChangeTokenLifetime);

        await ProblemAssert.IsValidationProblemAsync(await ConfirmAsync(factory, token), "token");
        Assert.Equal(user.Email, (await StoredUserAsync(factory, user.Id)).Email);
    }

    [Fact]
    public async Task A_new_request_ends_the_link_mailed_before_it()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var first = await RequestChangeAsync(factory, user, AuthTestExtensions.NewEmail());
        await RequestChangeAsync(factory, user, AuthTestExtensions.NewEmail());

        await ProblemAssert.IsValidationProblemAsync(await ConfirmAsync(factory, first), "token");
    }

    [Fact]
    public async Task A_taken_address_gets_the_same_202_and_its_mailbox_is_told_without_a_link()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();
        var other = await factory.CreateSignedInUserAsync();

        var response = await user.Browser.PostJsonAsync(RequestPath, new { newEmail = other.Email });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var mail = await MailPickup.WaitForAsync(factory.MailDirectory, other.Email, "already uses it");
        Assert.DoesNotContain("token=", mail, StringComparison.Ordinal);
        Assert.False(await factory.WithDbAsync(d => d.EmailChangeTokens.AnyAsync(t => t.UserId == user.Id, Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_address_taken_between_request_and_confirmation_is_409_and_changes_nothing(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        using var laptop = await factory.SignInAsync(user);
        var newEmail = AuthTestExtensions.NewEmail();
        var token = await RequestChangeAsync(factory, user, newEmail);
        await factory.CreateSignedInUserAsync(newEmail);

        var response = await ConfirmAsync(factory, token);

        await response.IsProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(user.Email, (await StoredUserAsync(factory, user.Id)).Email);
        Assert.Null(await factory.WithDbAsync(d => d.EmailChangeTokens.Where(t => t.UserId == user.Id).Select(t => t.UsedAt).SingleAsync(Cancel)));
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.False(await factory.WithDbAsync(d => d.OutboxEmails.AnyAsync(e => e.To == user.Email && e.Subject == NoticeSubject, Cancel)));
    }

    [Fact]
    public async Task An_invalid_address_is_400_naming_newEmail()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        await ProblemAssert.IsValidationProblemAsync(await user.Browser.PostJsonAsync(RequestPath, new { newEmail = "not-an-address" }), "newEmail");
    }

    [Fact]
    public async Task The_current_address_is_400_naming_newEmail()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateSignedInUserAsync();

        await ProblemAssert.IsValidationProblemAsync(await user.Browser.PostJsonAsync(RequestPath, new { newEmail = user.Email.ToUpperInvariant() }), "newEmail");
    }
}
