using System.Net;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Auth;

/// <summary>
/// The pre-hijacking attacks of Sudhodanan and Paverd (2022): an attacker registers the victim's
/// address first and plants a way to sign in. The address is unproven until its mailbox answers,
/// so nothing may be planted before that, and the owner's password reset sweeps anything that was.
/// </summary>
public sealed class PreAccountTakeoverTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The routes that need a verified address whatever <c>Auth:RequireVerifiedEmail</c> says.</summary>
    private static readonly string[] AlwaysVerified =
    [
        "POST /api/v1/auth/mfa/totp/confirm",
        "POST /api/v1/auth/mfa/totp/setup",
        "POST /api/v1/auth/passkeys/register/complete",
        "POST /api/v1/auth/passkeys/register/options",
        "POST /api/v1/invites/accept",
        "POST /api/v1/user-keys",
    ];

    /// <summary>
    /// Accounts made before enrolment needed a verified address may hold factors anyway: enrol as a
    /// verified user would, then put the account back as it was.
    /// </summary>
    private static async Task<T> EnrolWhileUnverifiedAsync<T>(ConvergioFactory factory, SignedInUser attacker, Func<Task<T>> enrol)
    {
        await SetVerifiedAsync(factory, attacker.Id, factory.Time.GetUtcNow().UtcDateTime);
        var enrolled = await enrol();
        await SetVerifiedAsync(factory, attacker.Id, null);
        return enrolled;
    }

    private static Task SetVerifiedAsync(ConvergioFactory factory, Guid userId, DateTime? at) =>
        factory.UpdateUserAsync(userId, u => u.SetProperty(x => x.EmailVerifiedAt, at));

    [Fact]
    public async Task The_routes_that_always_need_a_verified_email_are_exactly_the_ones_that_add_to_an_account()
    {
        await using var factory = new ConvergioFactory();

        var always = RegisteredRoutes.All(factory).Where(r => r.HasRequirement(VerifiedEmailRequirement.Always)).Select(r => r.Key);
        var configured = RegisteredRoutes.All(factory).Where(r => r.HasRequirement(VerifiedEmailRequirement.WhenConfigured)).Select(r => r.Key);

        Assert.Equal(AlwaysVerified.Order(StringComparer.Ordinal), always.Order(StringComparer.Ordinal));
        Assert.Equal(["POST /api/v1/orgs/{orgId:guid}/invites"], configured);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task In_development_an_unverified_account_cannot_enrol_totp_or_a_passkey(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var attacker = await factory.CreateSignedInUserAsync();

        var totp = await attacker.Browser.PostJsonAsync("/api/v1/auth/mfa/totp/setup", new { });
        var passkey = await attacker.Browser.PostJsonAsync("/api/v1/auth/passkeys/register/options", new { });

        Assert.Equal(ProblemTypes.EmailVerificationRequired, await ProblemAssert.TypeAsync(totp, HttpStatusCode.Forbidden));
        Assert.Equal(ProblemTypes.EmailVerificationRequired, await ProblemAssert.TypeAsync(passkey, HttpStatusCode.Forbidden));
        Assert.Equal(0, await factory.WithDbAsync(d => d.TotpCredentials.CountAsync(Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_attacker_who_registered_first_with_a_passkey_is_locked_out_by_the_owners_reset(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var victimEmail = AuthTestExtensions.NewEmail();
        var attacker = await factory.CreateSignedInUserAsync(victimEmail);
        using var authenticator = new SoftwareAuthenticator();
        await EnrolWhileUnverifiedAsync(factory, attacker, () => attacker.Browser.RegisterPasskeyAsync(authenticator));

        var token = await factory.RequestPasswordResetAsync(victimEmail);
        var ownerPassword = TestKeys.Password();
        Assert.Equal(HttpStatusCode.NoContent, (await factory.ResetPasswordAsync(token, ownerPassword)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.Browser.GetAsync("/api/v1/auth/me")).StatusCode);
        using var attackerAgain = factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.Unauthorized, (await attackerAgain.SignInWithPasskeyAsync(authenticator)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await attackerAgain.LoginAsync(victimEmail, attacker.Password)).StatusCode);
        using var owner = factory.CreateBrowser();
        var signedIn = await ReadJsonAsync(await owner.LoginAsync(victimEmail, ownerPassword));
        Assert.False(signedIn.TryGetProperty("mfaRequired", out _));
        Assert.True(signedIn.GetProperty("emailVerified").GetBoolean());
        Assert.Equal(0, await factory.WithDbAsync(d => d.Passkeys.CountAsync(Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_attacker_who_registered_first_with_totp_is_locked_out_by_the_owners_reset(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var victimEmail = AuthTestExtensions.NewEmail();
        var attacker = await factory.CreateSignedInUserAsync(victimEmail);
        await EnrolWhileUnverifiedAsync(factory, attacker, () => factory.EnableTotpAsync(attacker));

        var token = await factory.RequestPasswordResetAsync(victimEmail);
        var ownerPassword = TestKeys.Password();
        Assert.Equal(HttpStatusCode.NoContent, (await factory.ResetPasswordAsync(token, ownerPassword)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.Browser.GetAsync("/api/v1/auth/me")).StatusCode);
        using var owner = factory.CreateBrowser();
        var signIn = await owner.LoginAsync(victimEmail, ownerPassword);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.False((await ReadJsonAsync(signIn)).TryGetProperty("mfaRequired", out _));
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/api/v1/auth/me")).StatusCode);
        Assert.Equal(0, await factory.WithDbAsync(d => d.TotpCredentials.CountAsync(Cancel)));
        Assert.Equal(0, await factory.WithDbAsync(d => d.RecoveryCodes.CountAsync(Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_reset_of_an_already_verified_account_keeps_its_second_factor(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        await factory.EnableTotpAsync(user);

        var token = await factory.RequestPasswordResetAsync(user.Email);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.ResetPasswordAsync(token, TestKeys.Password())).StatusCode);

        Assert.Equal(1, await factory.WithDbAsync(d => d.TotpCredentials.CountAsync(t => t.UserId == user.Id, Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_reset_marks_the_email_verified(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();

        var token = await factory.RequestPasswordResetAsync(user.Email);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.ResetPasswordAsync(token, TestKeys.Password())).StatusCode);

        Assert.NotNull(await factory.WithDbAsync(d => d.Users.Where(u => u.Id == user.Id).Select(u => u.EmailVerifiedAt).SingleAsync(Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_verification_link_mailed_before_a_reset_no_longer_works(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        var verification = await MailPickup.WaitForLinkTokenAsync(factory.MailDirectory, user.Email, "/verify-email");

        var token = await factory.RequestPasswordResetAsync(user.Email);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.ResetPasswordAsync(token, TestKeys.Password())).StatusCode);

        using var browser = factory.CreateBrowser();
        await (await browser.PostJsonAsync("/api/v1/auth/verify-email", new { token = verification })).IsProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_reset_lifts_the_sign_in_penalty_and_the_per_account_limit_of_the_address(Db db)
    {
        await using var factory = new ConvergioFactory(db, new Dictionary<string, string?> { ["RateLimiting:Account:PermitLimit"] = "10" });
        var user = await factory.CreateSignedInUserAsync();
        var token = await factory.RequestPasswordResetAsync(user.Email);
        using var attacker = factory.CreateBrowser();
        for (var i = 0; i < 8; i++)
        {
            await attacker.LoginAsync(user.Email, "wrong-" + i);
        }
        using var owner = factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.TooManyRequests, (await owner.LoginAsync(user.Email, user.Password)).StatusCode);

        var newPassword = TestKeys.Password();
        Assert.Equal(HttpStatusCode.NoContent, (await factory.ResetPasswordAsync(token, newPassword)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await owner.LoginAsync(user.Email, newPassword)).StatusCode);
    }
}
