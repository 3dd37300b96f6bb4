using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using OtpNet;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>A user's enrolled authenticator app: its secret and the recovery codes shown at confirmation.</summary>
public sealed record TestTotp(string Secret, IReadOnlyList<string> RecoveryCodes);

/// <summary>Second factors driven through the API as a user would: an authenticator app and passkeys.</summary>
public static class TestSecondFactor
{
    /// <summary>The frontend origin of the Development settings (WebAuthn:Origins:0).</summary>
    public const string Origin = "http://localhost:5173";

    /// <summary>The code an authenticator app shows at the factory's current time, shifted by <paramref name="offset"/>.</summary>
    public static string TotpCode(this ConvergioFactory factory, string secret, TimeSpan offset = default) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp((factory.Time.GetUtcNow() + offset).UtcDateTime);

    /// <summary>Sets up and confirms TOTP for the user (their session becomes password+totp); the clock moves past the confirming code's step.</summary>
    public static async Task<TestTotp> EnableTotpAsync(this ConvergioFactory factory, SignedInUser user)
    {
        var setup = await user.Browser.PostJsonAsync("/api/v1/auth/mfa/totp/setup", new { });
        Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
        var secret = (await ReadJsonAsync(setup)).GetProperty("secret").GetString()!;
        var confirm = await user.Browser.PostJsonAsync("/api/v1/auth/mfa/totp/confirm", new { code = factory.TotpCode(secret) });
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var codes = (await ReadJsonAsync(confirm)).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        factory.Time.Advance(TimeSpan.FromSeconds(30));
        return new TestTotp(secret, codes);
    }

    /// <summary>Signs in with the password only, leaving the browser with a pending second-factor session.</summary>
    public static async Task<TestBrowser> SignInPendingAsync(this ConvergioFactory factory, SignedInUser user)
    {
        var browser = factory.CreateBrowser();
        var response = await browser.LoginAsync(user.Email, user.Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await ReadJsonAsync(response)).GetProperty("mfaRequired").GetBoolean());
        return browser;
    }

    /// <summary>Registers the authenticator's passkey for the user; returns its id.</summary>
    public static async Task<Guid> RegisterPasskeyAsync(this TestBrowser browser, SoftwareAuthenticator authenticator, string name = "Laptop")
    {
        var options = await ReadJsonAsync(await browser.PostJsonAsync("/api/v1/auth/passkeys/register/options", new { }));
        var response = await browser.PostJsonAsync("/api/v1/auth/passkeys/register/complete", new JsonObject
        {
            ["name"] = name,
            ["credential"] = authenticator.Create(options, Origin),
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadJsonAsync(response)).GetProperty("id").GetGuid();
    }

    /// <summary>Runs passkey sign-in: options, then the authenticator's assertion from <paramref name="origin"/>.</summary>
    public static async Task<HttpResponseMessage> SignInWithPasskeyAsync(this TestBrowser browser, SoftwareAuthenticator authenticator, string origin = Origin)
    {
        var options = await ReadJsonAsync(await browser.PostJsonAsync("/api/v1/auth/passkeys/login/options", new { }));
        return await browser.PostJsonAsync("/api/v1/auth/passkeys/login/complete", authenticator.Get(options, origin));
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).Clone();

    /// <summary>A DELETE with a JSON body (minimal APIs read it with [FromBody]).</summary>
    public static Task<HttpResponseMessage> DeleteJsonAsync<T>(this TestBrowser browser, string path, T body) =>
        browser.Client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, path) { Content = JsonContent.Create(body) }, TestContext.Current.CancellationToken);
}
