using System.Net;
using Convergio.Api.Auth;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Auth.Mfa;

public sealed class TotpTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Confirming_setup_enables_totp_returns_ten_recovery_codes_and_stores_the_secret_encrypted(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();

        var totp = await factory.EnableTotpAsync(user);

        Assert.Equal(10, totp.RecoveryCodes.Distinct().Count());
        var stored = await factory.WithDbAsync(d => d.TotpCredentials.SingleAsync(t => t.UserId == user.Id, Cancel));
        Assert.NotNull(stored.ConfirmedAt);
        Assert.DoesNotContain(totp.Secret, stored.SecretCiphertext, StringComparison.Ordinal);
        var hashes = await factory.WithDbAsync(d => d.RecoveryCodes.Where(c => c.UserId == user.Id).Select(c => c.CodeHash).ToListAsync(Cancel));
        Assert.Equal(10, hashes.Count);
        Assert.All(hashes, h => Assert.Equal(32, h.Length));
        var me = await ReadJsonAsync(await user.Browser.GetAsync("/api/v1/auth/me"));
        Assert.True(me.GetProperty("mfaEnabled").GetBoolean());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_csrf_token_fetched_by_a_pending_session_is_accepted_by_verify(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        using var browser = await factory.SignInPendingAsync(user);

        var csrf = await browser.GetAsync("/api/v1/auth/csrf");
        Assert.Equal(HttpStatusCode.OK, csrf.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await browser.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = factory.TotpCode(totp.Secret) })).StatusCode);
    }

    [Fact]
    public async Task Setup_gives_a_base32_secret_and_an_otpauth_uri_for_authenticator_apps()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();

        var setup = await ReadJsonAsync(await user.Browser.PostJsonAsync("/api/v1/auth/mfa/totp/setup", new { }));

        var secret = setup.GetProperty("secret").GetString()!;
        Assert.Matches("^[A-Z2-7]{32}$", secret);
        var uri = setup.GetProperty("otpauthUri").GetString()!;
        Assert.StartsWith("otpauth://totp/", uri, StringComparison.Ordinal);
        Assert.Contains("secret=" + secret, uri, StringComparison.Ordinal);
        Assert.Contains("issuer=Convergio", uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_code_does_not_confirm_setup()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();
        var setup = await ReadJsonAsync(await user.Browser.PostJsonAsync("/api/v1/auth/mfa/totp/setup", new { }));
        var wrong = factory.TotpCode(setup.GetProperty("secret").GetString()!, TimeSpan.FromMinutes(5));

        var confirm = await user.Browser.PostJsonAsync("/api/v1/auth/mfa/totp/confirm", new { code = wrong });

        Assert.Equal(HttpStatusCode.BadRequest, confirm.StatusCode);
        Assert.False((await ReadJsonAsync(await user.Browser.GetAsync("/api/v1/auth/me"))).GetProperty("mfaEnabled").GetBoolean());
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Login_with_totp_on_answers_mfa_required_with_a_pending_session(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        await factory.EnableTotpAsync(user);
        using var browser = factory.CreateBrowser();

        var response = await browser.LoginAsync(user.Email, user.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.True(body.GetProperty("mfaRequired").GetBoolean());
        Assert.Equal(["totp", "recovery"], body.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.False(body.TryGetProperty("id", out _));
        Assert.NotNull(browser.Cookie("session"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Verify_with_the_current_code_replaces_the_pending_session_with_a_full_one(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        using var browser = await factory.SignInPendingAsync(user);
        var pendingToken = browser.Cookie("session");

        var verify = await browser.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = factory.TotpCode(totp.Secret) });

        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        Assert.Equal(user.Id, (await ReadJsonAsync(verify)).GetProperty("id").GetGuid());
        Assert.NotEqual(pendingToken, browser.Cookie("session"));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/auth/me")).StatusCode);
        var methods = await factory.WithDbAsync(d => d.Sessions.Where(s => s.UserId == user.Id).Select(s => new { s.Method, s.SecondFactorPending }).ToListAsync(Cancel));
        Assert.DoesNotContain(methods, m => m.SecondFactorPending);
        Assert.Contains(methods, m => m.Method == SessionMethods.PasswordAndTotp);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_code_is_accepted_once_even_within_its_window(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        var code = factory.TotpCode(totp.Secret);
        using var first = await factory.SignInPendingAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await first.PostJsonAsync("/api/v1/auth/mfa/verify", new { code })).StatusCode);

        using var second = await factory.SignInPendingAsync(user);
        factory.Time.Advance(TimeSpan.FromSeconds(10));
        var replay = await second.PostJsonAsync("/api/v1/auth/mfa/verify", new { code });

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Theory]
    [InlineData(-30, true)]
    [InlineData(30, true)]
    [InlineData(-60, false)]
    [InlineData(60, false)]
    public async Task Codes_one_step_either_side_are_accepted_and_further_ones_are_not(int offsetSeconds, bool accepted)
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        // Far enough from the confirming code that no step near "now" was used.
        factory.Time.Advance(TimeSpan.FromMinutes(5));
        using var browser = await factory.SignInPendingAsync(user);

        var verify = await browser.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = factory.TotpCode(totp.Secret, TimeSpan.FromSeconds(offsetSeconds)) });

        Assert.Equal(accepted ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, verify.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_older_code_is_refused_once_a_newer_one_was_accepted(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        factory.Time.Advance(TimeSpan.FromMinutes(5));
        using var first = await factory.SignInPendingAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await first.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = factory.TotpCode(totp.Secret) })).StatusCode);

        using var second = await factory.SignInPendingAsync(user);
        var older = await second.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = factory.TotpCode(totp.Secret, TimeSpan.FromSeconds(-30)) });

        Assert.Equal(HttpStatusCode.Unauthorized, older.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Five_wrong_codes_end_the_pending_session(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        using var browser = await factory.SignInPendingAsync(user);
        var wrong = factory.TotpCode(totp.Secret, TimeSpan.FromMinutes(10));

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = wrong })).StatusCode);
        }
        var fifth = await browser.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = wrong });
        Assert.Contains("sign in again", await fifth.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(0, await factory.WithDbAsync(d => d.Sessions.CountAsync(s => s.UserId == user.Id && s.SecondFactorPending, Cancel)));

        var right = await browser.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = factory.TotpCode(totp.Secret) });
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_pending_session_expires_after_ten_minutes(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        using var browser = await factory.SignInPendingAsync(user);

        factory.Time.Advance(TimeSpan.FromMinutes(11));
        var verify = await browser.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = factory.TotpCode(totp.Secret) });

        Assert.Equal(HttpStatusCode.Unauthorized, verify.StatusCode);
    }

    [Fact]
    public async Task Verify_on_a_full_session_is_409()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();

        var verify = await user.Browser.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = "123456" });

        Assert.Equal(HttpStatusCode.Conflict, verify.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Disabling_needs_a_valid_code_and_brings_back_password_only_sign_in(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);

        var wrong = await user.Browser.DeleteJsonAsync("/api/v1/auth/mfa/totp", new { code = factory.TotpCode(totp.Secret, TimeSpan.FromMinutes(10)) });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var disable = await user.Browser.DeleteJsonAsync("/api/v1/auth/mfa/totp", new { code = factory.TotpCode(totp.Secret) });
        Assert.Equal(HttpStatusCode.NoContent, disable.StatusCode);

        using var browser = await factory.SignInAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(0, await factory.WithDbAsync(d => d.RecoveryCodes.CountAsync(c => c.UserId == user.Id, Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Turning_totp_on_ends_the_users_other_sessions(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        using var elsewhere = await factory.SignInAsync(user);

        await factory.EnableTotpAsync(user);

        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.Browser.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Fact]
    public async Task Turning_totp_off_ends_the_users_other_sessions()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        using var elsewhere = await factory.SignInPendingAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.PostJsonAsync("/api/v1/auth/mfa/verify", new { recoveryCode = totp.RecoveryCodes[0] })).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.DeleteJsonAsync("/api/v1/auth/mfa/totp", new { code = factory.TotpCode(totp.Secret) })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.Browser.GetAsync("/api/v1/auth/me")).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_session_list_shows_how_each_session_signed_in_and_which_still_owe_a_code(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        using var pending = await factory.SignInPendingAsync(user);
        using var recovered = await factory.SignInPendingAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await recovered.PostJsonAsync("/api/v1/auth/mfa/verify", new { recoveryCode = totp.RecoveryCodes[0] })).StatusCode);

        var sessions = (await ReadJsonAsync(await user.Browser.GetAsync("/api/v1/auth/sessions"))).EnumerateArray()
            .Select(s => (Method: s.GetProperty("method").GetString(), Pending: s.GetProperty("secondFactorPending").GetBoolean(), Current: s.GetProperty("current").GetBoolean()))
            .OrderBy(s => s.Method, StringComparer.Ordinal).ToList();

        Assert.Equal([("password", true, false), ("password+recovery", false, false), ("password+totp", false, true)], sessions);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Second_factor_actions_are_audited(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        using var browser = await factory.SignInPendingAsync(user);
        await browser.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = factory.TotpCode(totp.Secret, TimeSpan.FromMinutes(10)) });
        await browser.PostJsonAsync("/api/v1/auth/mfa/verify", new { recoveryCode = totp.RecoveryCodes[0] });
        await browser.DeleteJsonAsync("/api/v1/auth/mfa/totp", new { code = totp.RecoveryCodes[1] });

        var actions = await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.ActorUserId == user.Id && (e.Action.StartsWith("auth.mfa") || e.Action.StartsWith("auth.recovery")))
            .OrderBy(e => e.Id).Select(e => e.Action + ":" + e.Outcome).ToListAsync(Cancel));

        Assert.Equal(["auth.mfa.enabled:success", "auth.mfa.failed:failure", "auth.mfa.verified:success", "auth.recovery_code.used:success", "auth.mfa.disabled:success"], actions);
    }
}
