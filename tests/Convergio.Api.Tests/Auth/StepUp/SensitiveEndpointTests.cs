using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Platform;
using Convergio.Api.Tenancy;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Auth.StepUp;

/// <summary>The step-up, MFA-session and verified-email rules on the features that use them.</summary>
public sealed class SensitiveEndpointTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static object ProviderKey() => new { provider = "openai", apiKey = "sk-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant() };

    /// <summary>The list of sensitive actions, as routes. Changing it is a security decision: say why in the commit.</summary>
    private static readonly string[] SensitiveActions =
    [
        "POST /api/v1/admin/users/{id:guid}/disable",
        "POST /api/v1/admin/users/{id:guid}/enable",
        "DELETE /api/v1/admin/users/{id:guid}/sessions",
        "DELETE /api/v1/admin/users/{id:guid}",
        "DELETE /api/v1/auth/me",
        "POST /api/v1/auth/email-change",
        "GET /api/v1/auth/me/export",
        "POST /api/v1/auth/tokens",
        "POST /api/v1/auth/change-password",
        "POST /api/v1/auth/mfa/recovery-codes",
        "DELETE /api/v1/auth/mfa/totp",
        "POST /api/v1/auth/mfa/totp/confirm",
        "POST /api/v1/auth/mfa/totp/setup",
        "DELETE /api/v1/auth/passkeys/{id:guid}",
        "POST /api/v1/auth/passkeys/register/complete",
        "POST /api/v1/auth/passkeys/register/options",
        "DELETE /api/v1/orgs/{orgId:guid}",
        "DELETE /api/v1/orgs/{orgId:guid}/members/{userId:guid}",
        "PATCH /api/v1/orgs/{orgId:guid}/members/{userId:guid}",
        "POST /api/v1/user-keys",
        "DELETE /api/v1/user-keys/{id:guid}",
    ];

    [Fact]
    public async Task The_endpoints_that_need_a_recent_authentication_are_exactly_the_sensitive_actions()
    {
        await using var factory = new ConvergioFactory();

        var stepUp = RegisteredRoutes.All(factory).Where(r => r.HasRequirement<RecentAuthenticationRequirement>()).Select(r => r.Key);

        Assert.Equal(SensitiveActions.Order(StringComparer.Ordinal), stepUp.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Every_sensitive_action_refuses_a_session_authenticated_before_the_window(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var admin = await factory.CreatePlatformAdminAsync();
        var org = await admin.CreateOrgAsync();
        var member = await factory.CreateMemberAsync(org.Id, OrgRole.Member);
        var values = new Dictionary<string, string> { ["orgId"] = org.Id.ToString(), ["userId"] = member.Id.ToString(), ["id"] = member.Id.ToString() };
        factory.Time.Advance(TimeSpan.FromMinutes(11));

        var answers = new List<string>();
        foreach (var route in RegisteredRoutes.All(factory).Where(r => SensitiveActions.Contains(r.Key)))
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path(values)) { Content = JsonContent.Create(new { }) };
            using var response = await admin.Browser.Client.SendAsync(request, Cancel);
            var type = response.StatusCode == HttpStatusCode.Forbidden ? (await ReadJsonAsync(response)).GetProperty("type").GetString() : null;
            if (type != ProblemTypes.ReauthenticationRequired)
            {
                answers.Add($"{route.Key} -> {(int)response.StatusCode} {type}");
            }
        }

        Assert.True(answers.Count == 0, "Expected 403 reauthentication-required from a stale session:\n" + string.Join("\n", answers));
        Assert.Equal(1, await factory.WithDbAsync(d => d.Memberships.CountAsync(m => m.OrgId == org.Id && m.UserId == member.Id, Cancel)));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Adding_a_provider_key_needs_a_recent_authentication(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        factory.Time.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(ProblemTypes.ReauthenticationRequired, await ProblemAssert.TypeAsync(await user.Browser.PostJsonAsync("/api/v1/user-keys", ProviderKey()), HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.NoContent, (await user.Browser.PostJsonAsync("/api/v1/auth/reauthenticate", new { password = user.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await user.Browser.PostJsonAsync("/api/v1/user-keys", ProviderKey())).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Even_with_verified_email_not_required_an_unverified_user_cannot_add_a_provider_key_until_verified(Db db)
    {
        await using var factory = new ConvergioFactory(db, new Dictionary<string, string?> { ["Auth:RequireVerifiedEmail"] = "false" });
        var user = await factory.CreateSignedInUserAsync();

        Assert.Equal(ProblemTypes.EmailVerificationRequired, await ProblemAssert.TypeAsync(await user.Browser.PostJsonAsync("/api/v1/user-keys", ProviderKey()), HttpStatusCode.Forbidden));
        await factory.VerifyEmailAsync(user.Email);

        Assert.Equal(HttpStatusCode.Created, (await user.Browser.PostJsonAsync("/api/v1/user-keys", ProviderKey())).StatusCode);
    }

    [Fact]
    public async Task Deleting_an_organization_needs_a_recent_authentication()
    {
        await using var factory = new ConvergioFactory();
        var owner = await factory.CreateSignedInUserAsync();
        var org = await owner.CreateOrgAsync();
        factory.Time.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(ProblemTypes.ReauthenticationRequired, await ProblemAssert.TypeAsync(await owner.Browser.DeleteAsync($"/api/v1/orgs/{org.Id}"), HttpStatusCode.Forbidden));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_platform_admin_without_mfa_is_refused_with_mfa_required_and_audited(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var admin = await factory.CreateVerifiedUserAsync();
        await factory.MakePlatformAdminAsync(admin.Id);

        Assert.Equal(ProblemTypes.MfaRequired, await ProblemAssert.TypeAsync(await admin.Browser.GetAsync("/api/v1/admin/users"), HttpStatusCode.Forbidden));

        Assert.Equal("denied", await factory.WithDbAsync(d => d.AuditEvents.Where(e => e.Action == "auth.mfa.required" && e.ActorUserId == admin.Id).Select(e => e.Outcome).SingleAsync(Cancel)));
        await factory.EnableTotpAsync(admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.Browser.GetAsync("/api/v1/admin/users")).StatusCode);
    }

    [Fact]
    public async Task Disabling_a_user_needs_a_recent_authentication_even_for_an_mfa_admin()
    {
        await using var factory = new ConvergioFactory();
        var admin = await factory.CreatePlatformAdminAsync();
        var user = await factory.CreateSignedInUserAsync();
        factory.Time.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(ProblemTypes.ReauthenticationRequired, await ProblemAssert.TypeAsync(await admin.Browser.PostJsonAsync($"/api/v1/admin/users/{user.Id}/disable", new { }), HttpStatusCode.Forbidden));
    }
}
