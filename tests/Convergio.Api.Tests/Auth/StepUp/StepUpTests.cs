using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Convergio.Api.Auth;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Auth.StepUp;

public sealed class StepUpTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_sensitive_action_after_the_window_is_403_until_the_user_reauthenticates(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        factory.Time.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(ProblemTypes.ReauthenticationRequired, await ProblemAssert.TypeAsync(await user.Browser.PostJsonAsync("/api/v1/auth/mfa/totp/setup", new { }), HttpStatusCode.Forbidden));
        var token = user.Browser.Cookie("session");
        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.PostJsonAsync("/api/v1/auth/reauthenticate", new { password = user.Password })).StatusCode);

        Assert.NotEqual(token, user.Browser.Cookie("session"));
        Assert.Equal(HttpStatusCode.OK, (await user.Browser.PostJsonAsync("/api/v1/auth/mfa/totp/setup", new { })).StatusCode);
        Assert.NotNull(await factory.WithDbAsync(d => d.Sessions.Where(s => s.UserId == user.Id).Select(s => s.ReauthenticatedAt).SingleAsync(Cancel)));
    }

    [Fact]
    public async Task The_window_is_configurable()
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["Auth:StepUpWindow"] = "00:02:00" });
        var user = await factory.CreateVerifiedUserAsync();
        factory.Time.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(ProblemTypes.ReauthenticationRequired, await ProblemAssert.TypeAsync(await user.Browser.PostJsonAsync("/api/v1/auth/passkeys/register/options", new { }), HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task Password_change_requires_a_recent_authentication()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();
        factory.Time.Advance(TimeSpan.FromMinutes(11));

        var change = await user.Browser.PostJsonAsync("/api/v1/auth/change-password", new { currentPassword = user.Password, newPassword = TestKeys.Password() });

        Assert.Equal(ProblemTypes.ReauthenticationRequired, await ProblemAssert.TypeAsync(change, HttpStatusCode.Forbidden));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task With_totp_on_reauthentication_needs_the_code_and_upgrades_the_session(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var totp = await factory.EnableTotpAsync(user);
        using var browser = await factory.SignInPendingAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await browser.PostJsonAsync("/api/v1/auth/mfa/verify", new { recoveryCode = totp.RecoveryCodes[0] })).StatusCode);
        factory.Time.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostJsonAsync("/api/v1/auth/reauthenticate", new { password = user.Password })).StatusCode);
        var done = await browser.PostJsonAsync("/api/v1/auth/reauthenticate", new { password = user.Password, code = factory.TotpCode(totp.Secret) });

        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        var methods = await factory.WithDbAsync(d => d.Sessions.Where(s => s.UserId == user.Id && s.ReauthenticatedAt != null).Select(s => s.Method).ToListAsync(Cancel));
        Assert.Equal([SessionMethods.PasswordAndTotp], methods);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_wrong_password_does_not_reauthenticate_and_is_audited(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        factory.Time.Advance(TimeSpan.FromMinutes(11));

        var response = await user.Browser.PostJsonAsync("/api/v1/auth/reauthenticate", new { password = "not-the-password" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemTypes.ReauthenticationRequired, await ProblemAssert.TypeAsync(await user.Browser.PostJsonAsync("/api/v1/auth/mfa/totp/setup", new { }), HttpStatusCode.Forbidden));
        Assert.Equal(["failure"], await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.Action == "auth.reauthenticated").Select(e => e.Outcome).ToListAsync(Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Reauthentication_attempts_are_limited_per_user(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        for (var i = 0; i < 5; i++)
        {
            await user.Browser.PostJsonAsync("/api/v1/auth/reauthenticate", new { password = "wrong-" + i });
        }

        var limited = await user.Browser.PostJsonAsync("/api/v1/auth/reauthenticate", new { password = user.Password });

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_passkey_assertion_reauthenticates_with_passkey_assurance(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.Browser.RegisterPasskeyAsync(authenticator);
        factory.Time.Advance(TimeSpan.FromMinutes(11));

        var options = await ReadJsonAsync(await user.Browser.PostJsonAsync("/api/v1/auth/reauthenticate/passkey-options", new { }));
        var done = await user.Browser.PostJsonAsync("/api/v1/auth/reauthenticate", new JsonObject { ["passkey"] = authenticator.Get(options, Origin) });

        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        Assert.Equal(SessionMethods.Passkey, await factory.WithDbAsync(d => d.Sessions.Where(s => s.UserId == user.Id).Select(s => s.Method).SingleAsync(Cancel)));
        Assert.Equal(HttpStatusCode.OK, (await user.Browser.GetAsync("/api/v1/auth/passkeys")).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Another_users_passkey_does_not_reauthenticate(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        var other = await factory.CreateVerifiedUserAsync();
        using var othersKey = new SoftwareAuthenticator();
        await other.Browser.RegisterPasskeyAsync(othersKey);

        var options = await ReadJsonAsync(await user.Browser.PostJsonAsync("/api/v1/auth/reauthenticate/passkey-options", new { }));
        var response = await user.Browser.PostJsonAsync("/api/v1/auth/reauthenticate", new JsonObject { ["passkey"] = othersKey.Get(options, Origin) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(SessionMethods.Password, false)]
    [InlineData(SessionMethods.PasswordAndTotp, true)]
    [InlineData(SessionMethods.PasswordAndRecoveryCode, true)]
    [InlineData(SessionMethods.Passkey, true)]
    public async Task The_platform_admin_policy_needs_a_two_factor_session(string method, bool allowed)
    {
        await using var factory = new ConvergioFactory();
        var authorization = factory.Services.GetRequiredService<IAuthorizationService>();

        var result = await authorization.AuthorizeAsync(Admin(method), AuthorizationPolicies.PlatformAdmin);

        Assert.Equal(allowed, result.Succeeded);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task An_admin_without_mfa_is_refused_with_mfa_required_and_an_audit_event(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var policy = (await factory.Services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(AuthorizationPolicies.PlatformAdmin))!;
        var admin = Admin(SessionMethods.Password);
        var evaluation = await factory.Services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(admin, policy);
        await using var scope = factory.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider, User = admin, Response = { Body = new MemoryStream() } };
        http.Request.Method = "POST";
        http.Request.Path = "/api/v1/admin/users/x/disable";
        scope.ServiceProvider.GetRequiredService<IHttpContextAccessor>().HttpContext = http;

        var handler = factory.Services.GetRequiredService<IAuthorizationMiddlewareResultHandler>();
        await handler.HandleAsync(_ => throw new InvalidOperationException("the endpoint must not run"), http, policy, PolicyAuthorizationResult.Forbid(evaluation.Failure!));

        Assert.Equal(StatusCodes.Status403Forbidden, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        Assert.Contains(ProblemTypes.MfaRequired, await new StreamReader(http.Response.Body).ReadToEndAsync(Cancel), StringComparison.Ordinal);
        var audited = await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.Action == "auth.mfa.required").Select(e => new { e.Outcome, e.ActorUserId }).SingleAsync(Cancel));
        Assert.Equal("denied", audited.Outcome);
        Assert.Equal(admin.FindUserId(), audited.ActorUserId);
    }

    [Fact]
    public async Task A_user_without_the_admin_role_gets_a_plain_403_not_the_mfa_hint()
    {
        await using var factory = new ConvergioFactory();
        var policy = (await factory.Services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(AuthorizationPolicies.PlatformAdmin))!;
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ConvergioClaims.UserId, Guid.NewGuid().ToString()), new Claim(ConvergioClaims.AuthenticationMethod, SessionMethods.Password)], AuthNames.Scheme));
        var evaluation = await factory.Services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(user, policy);

        Assert.Contains(evaluation.Failure!.FailedRequirements, r => r is not IAssuranceRequirement);
    }

    private static ClaimsPrincipal Admin(string method) => new(new ClaimsIdentity(
    [
        new Claim(ConvergioClaims.UserId, Guid.NewGuid().ToString()),
        new Claim(ConvergioClaims.AuthenticationMethod, method),
        new Claim(AuthNames.PlatformAdminClaim, "true"),
    ], AuthNames.Scheme));
}
