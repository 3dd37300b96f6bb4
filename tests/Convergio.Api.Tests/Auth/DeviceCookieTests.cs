using System.Net;
using Convergio.Api.Auth;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Auth;

/// <summary>Device cookies (OWASP): a browser the owner signed in from is not locked out by failures from anywhere else.</summary>
public sealed class DeviceCookieTests
{
    /// <summary>The per-account bucket at its default of ten an hour (the factory raises it for other tests).</summary>
    private static ConvergioFactory Factory(Db db) =>
        new(db, new Dictionary<string, string?> { ["RateLimiting:Account:PermitLimit"] = "10", ["RateLimiting:Account:WindowSeconds"] = "3600" });

    /// <summary>Eleven wrong passwords for the address from as many browsers: both the per-account bucket and the sign-in penalty are spent.</summary>
    private static async Task LockOutAsync(ConvergioFactory factory, string email)
    {
        for (var i = 0; i < 11; i++)
        {
            using var attacker = factory.CreateBrowser();
            await attacker.LoginAsync(email, "wrong-" + i);
        }
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_owners_browser_signs_in_while_failures_from_elsewhere_lock_the_address(Db db)
    {
        await using var factory = Factory(db);
        var owner = await factory.CreateSignedInUserAsync();
        Assert.Equal(HttpStatusCode.OK, (await owner.Browser.LoginAsync(owner.Email, owner.Password)).StatusCode);

        await LockOutAsync(factory, owner.Email);

        using var stranger = factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.TooManyRequests, (await stranger.LoginAsync(owner.Email, owner.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.Browser.LoginAsync(owner.Email, owner.Password)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_device_cookie_carries_its_own_failures(Db db)
    {
        await using var factory = Factory(db);
        var owner = await factory.CreateSignedInUserAsync();
        await owner.Browser.LoginAsync(owner.Email, owner.Password);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await owner.Browser.LoginAsync(owner.Email, "wrong-" + i)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await owner.Browser.LoginAsync(owner.Email, owner.Password)).StatusCode);
        using var elsewhere = factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await elsewhere.LoginAsync(owner.Email, owner.Password)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_tampered_device_cookie_or_one_issued_for_another_account_counts_as_none(Db db)
    {
        await using var factory = Factory(db);
        var owner = await factory.CreateSignedInUserAsync();
        var other = await factory.CreateSignedInUserAsync();
        var othersCookie = other.Browser.Cookie(AuthNames.DeviceCookie)!;
        var ownersCookie = owner.Browser.Cookie(AuthNames.DeviceCookie)!;
        await LockOutAsync(factory, owner.Email);

        using var borrowed = factory.CreateBrowser();
        borrowed.SetCookie(AuthNames.DeviceCookie, othersCookie);
        using var tampered = factory.CreateBrowser();
        tampered.SetCookie(AuthNames.DeviceCookie, Guid.NewGuid().ToString("N") + ownersCookie[32..]);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await borrowed.LoginAsync(owner.Email, owner.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await tampered.LoginAsync(owner.Email, owner.Password)).StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Sign_in_sets_an_http_only_lax_one_year_device_cookie_without_the_email(Db db)
    {
        await using var factory = Factory(db);
        var user = await factory.CreateSignedInUserAsync();
        using var browser = factory.CreateBrowser();

        var signIn = await browser.LoginAsync(user.Email, user.Password);

        var setCookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AuthNames.DeviceCookie + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=31536000", setCookie, StringComparison.OrdinalIgnoreCase);
        var value = browser.Cookie(AuthNames.DeviceCookie)!;
        Assert.DoesNotContain(user.Email.Split('@')[0], value, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(3, value.Split('.').Length);
    }

    [Fact]
    public void Production_names_the_device_cookie_with_the_host_prefix_and_makes_it_secure()
    {
        var cookies = new AuthCookies(Options.Create(new AuthOptions()), new HostingEnvironment { EnvironmentName = Environments.Production });

        Assert.Equal("__Host-device", cookies.DeviceCookieName);
        Assert.True(cookies.DeviceOptions().Secure);
        Assert.True(cookies.DeviceOptions().HttpOnly);
        Assert.Equal("/", cookies.DeviceOptions().Path);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task The_sessions_list_shows_the_device_each_session_came_from(Db db)
    {
        await using var factory = Factory(db);
        var user = await factory.CreateSignedInUserAsync();
        using var other = await factory.SignInAsync(user);
        var firstDevice = (await ReadJsonAsync(await user.Browser.GetAsync("/api/v1/auth/sessions"))).EnumerateArray().Single(s => s.GetProperty("current").GetBoolean()).GetProperty("deviceId").GetGuid();

        await user.Browser.LoginAsync(user.Email, user.Password);

        var sessions = (await ReadJsonAsync(await user.Browser.GetAsync("/api/v1/auth/sessions"))).EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count);
        Assert.Equal(firstDevice, sessions.Single(s => s.GetProperty("current").GetBoolean()).GetProperty("deviceId").GetGuid());
        Assert.NotEqual(firstDevice, sessions.Single(s => !s.GetProperty("current").GetBoolean()).GetProperty("deviceId").GetGuid());
    }
}
