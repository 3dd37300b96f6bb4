using System.Net;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Concurrency;

/// <summary>Requests racing on one session end it, rotate it or fail cleanly: 2xx or 4xx, never a 500.</summary>
public sealed class SessionConcurrencyTests
{
    private const int Parallel = 12;

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Parallel_reauthentications_and_a_logout_on_one_session_never_answer_5xx(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateSignedInUserAsync();

        var requests = Enumerable.Range(0, Parallel).Select(i => i == Parallel / 2
            ? user.Browser.PostJsonAsync("/api/v1/auth/logout", new { })
            : user.Browser.PostJsonAsync("/api/v1/auth/reauthenticate", new { password = user.Password }));
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.InRange((int)r.StatusCode, 200, 499));
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Parallel_wrong_second_factor_codes_and_a_logout_on_one_pending_session_never_answer_5xx(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        var user = await factory.CreateVerifiedUserAsync();
        await factory.EnableTotpAsync(user);
        var pending = await factory.SignInPendingAsync(user);

        var requests = Enumerable.Range(0, Parallel).Select(i => i == Parallel / 2
            ? pending.PostJsonAsync("/api/v1/auth/logout", new { })
            : pending.PostJsonAsync("/api/v1/auth/mfa/verify", new { code = "000000" }));
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.InRange((int)r.StatusCode, 200, 499));
    }
}
