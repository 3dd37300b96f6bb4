using System.Net;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Auth;

public sealed class LoginPenaltyTests
{
    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task After_five_failures_even_the_right_password_gets_429_until_the_penalty_ends(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();
        using var browser = new TestBrowser(factory);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.LoginAsync(user.Email, "wrong-" + i)).StatusCode);
        }

        var locked = await browser.LoginAsync(user.Email, user.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), locked.Headers.RetryAfter?.Delta);

        factory.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.OK, (await browser.LoginAsync(user.Email, user.Password)).StatusCode);
    }

    [Fact]
    public async Task The_penalty_doubles_with_each_further_failure_and_caps_at_15_minutes()
    {
        await using var factory = new ConvergioFactory();
        var email = AuthTestExtensions.NewEmail();
        using var browser = new TestBrowser(factory);
        var waits = new List<TimeSpan?>();
        for (var i = 0; i < 12; i++)
        {
            await browser.LoginAsync(email, "wrong");
            var blocked = await browser.LoginAsync(email, "wrong");
            waits.Add(blocked.Headers.RetryAfter?.Delta);
            factory.Time.Advance(TimeSpan.FromMinutes(16));
        }

        Assert.Equal(TimeSpan.FromMinutes(15), waits[^1]);
        Assert.All(waits.Where(w => w is not null), w => Assert.True(w <= TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public async Task Unknown_accounts_are_penalised_like_known_ones_so_429_reveals_nothing()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);
        var email = AuthTestExtensions.NewEmail();
        for (var i = 0; i < 5; i++)
        {
            await browser.LoginAsync(email, "wrong");
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.LoginAsync(email, "wrong")).StatusCode);
    }
}
