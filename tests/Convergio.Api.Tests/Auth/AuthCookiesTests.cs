using Convergio.Api.Auth;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Tests.Auth;

public sealed class AuthCookiesTests
{
    private static AuthCookies Cookies(string environment, string? configuredName = null) =>
        new(Options.Create(new AuthOptions { SessionCookieName = configuredName }), new HostingEnvironment { EnvironmentName = environment });

    [Fact]
    public void Production_uses_the_host_prefixed_name_and_secure_cookies()
    {
        var cookies = Cookies(Environments.Production);

        Assert.Equal("__Host-session", cookies.SessionCookieName);
        var session = cookies.Options(httpOnly: true);
        Assert.True(session.Secure);
        Assert.True(session.HttpOnly);
        Assert.Equal("/", session.Path);
        Assert.Null(session.Domain);
        Assert.Equal(TimeSpan.FromDays(7), session.MaxAge);
        Assert.True(cookies.Options(httpOnly: false).Secure);
    }

    [Fact]
    public void Development_uses_the_plain_name_without_secure()
    {
        var cookies = Cookies(Environments.Development);

        Assert.Equal("session", cookies.SessionCookieName);
        Assert.False(cookies.Options(httpOnly: true).Secure);
    }

    [Fact]
    public void The_session_cookie_name_is_configurable()
    {
        Assert.Equal("my-session", Cookies(Environments.Production, "my-session").SessionCookieName);
    }

    [Fact]
    public void Expired_cookies_keep_the_attributes_and_expire_now()
    {
        var expired = Cookies(Environments.Production).Expired(httpOnly: true);

        Assert.Equal(TimeSpan.Zero, expired.MaxAge);
        Assert.Equal(DateTimeOffset.UnixEpoch, expired.Expires);
        Assert.True(expired.Secure);
        Assert.Equal("/", expired.Path);
    }
}
