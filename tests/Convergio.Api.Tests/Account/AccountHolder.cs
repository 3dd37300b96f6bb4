using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Security.Cryptography;
using Convergio.Api.Tenancy;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Account;

/// <summary>
/// A verified user holding one of everything an account can have: a second session, TOTP with recovery
/// codes, a passkey, a provider key, a membership in someone else's organization, an invitation they
/// sent, one sent to them, an API token, and outstanding reset and email-change links.
/// </summary>
internal sealed record AccountHolder(SignedInUser User, TestBrowser Laptop, TestTotp Totp, string ApiKey, string ApiToken, Guid OrgId, SoftwareAuthenticator Passkey) : IDisposable
{
    public static async Task<AccountHolder> CreateAsync(ConvergioFactory factory)
    {
        var owner = await factory.CreateVerifiedUserAsync();
        var org = await owner.CreateOrgAsync();
        var user = await factory.CreateVerifiedUserAsync();
        await factory.AddMemberAsync(org.Id, user.Id, OrgRole.Admin);
        var totp = await factory.EnableTotpAsync(user);
        var passkey = new SoftwareAuthenticator();
        await user.Browser.RegisterPasskeyAsync(passkey);
        var apiKey = "sk-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        Assert.Equal(HttpStatusCode.Created, (await user.Browser.PostJsonAsync("/api/v1/user-keys", new { provider = "openai", apiKey })).StatusCode);
        var created = await user.Browser.PostJsonAsync("/api/v1/auth/tokens",
            new { name = "CI", scopes = new[] { "projects:read" }, expiresAt = factory.Time.GetUtcNow().AddDays(30), orgId = org.Id });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var apiToken = (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("token").GetString()!;
        await factory.AddInviteAsync(org.Id, user.Id, OrgRole.Member);
        var invited = await factory.AddInviteAsync(org.Id, owner.Id, OrgRole.Viewer);
        await factory.WithDbAsync(db => db.Invites.Where(i => i.Id == invited.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.Email, user.Email), TestContext.Current.CancellationToken));
        await factory.RequestPasswordResetAsync(user.Email);
        Assert.Equal(HttpStatusCode.Accepted, (await user.Browser.PostJsonAsync("/api/v1/auth/email-change", new { newEmail = AuthTestExtensions.NewEmail() })).StatusCode);
        var laptop = factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await laptop.LoginAsync(user.Email, user.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = factory.TotpCode(totp.Secret) })).StatusCode);
        return new AccountHolder(user, laptop, totp, apiKey, apiToken, org.Id, passkey);
    }

    public void Dispose()
    {
        User.Dispose();
        Laptop.Dispose();
        Passkey.Dispose();
    }
}
