using System.Net;
using Convergio.Api.Auth;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Auth;

/// <summary>Argon2id work passes a bounded gate: a sign-in flood waits in a bounded queue, and beyond it is turned away.</summary>
public sealed class LoginFloodTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sign_in_beyond_the_hashing_queue_is_503_with_retry_after_and_the_queued_one_completes()
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?>
        {
            ["Auth:Password:MaxConcurrent"] = "1",
            ["Auth:Password:MaxQueued"] = "1",
        });
        using var user = await factory.CreateSignedInUserAsync();
        var gate = factory.Services.GetRequiredService<PasswordHashingGate>();
        // The one slot is taken, as by a derivation in progress.
        var inProgress = await gate.EnterAsync(Cancel);
        using var queuedBrowser = factory.CreateBrowser();
        var queued = queuedBrowser.LoginAsync(user.Email, user.Password);
        Assert.Equal(1, await Eventually.ReadAsync(() => Task.FromResult(gate.Queued), count => count == 1));
        using var refusedBrowser = factory.CreateBrowser();

        var refused = await refusedBrowser.LoginAsync(user.Email, user.Password);

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Null(refusedBrowser.Cookie(AuthNames.SessionCookie));
        inProgress.Dispose();
        Assert.Equal(HttpStatusCode.OK, (await queued).StatusCode);
    }
}
