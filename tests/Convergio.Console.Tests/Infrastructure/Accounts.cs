using Convergio.Api.Auth.Mfa;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>
/// Accounts in the states the account, organization and admin pages need (verified, two-factor,
/// platform administrator, an old sign-in), set up through the API or, for what only an operator
/// or the clock can do, in its database; and signing a page in through the console's sign-in page.
/// </summary>
public static class Accounts
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A verified platform administrator with an authenticator (admin pages need a two-factor session); its TOTP secret.</summary>
    public static async Task<(TestUser User, string TotpSecret)> PlatformAdminAsync(ApiHost api)
    {
        var user = await ApiSession.RegisterVerifiedAsync(api);
        var (secret, _) = await EnableTotpAsync(api, user);
        await WithDbAsync(api, db => db.Users.Where(u => u.Email == user.Email)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.IsPlatformAdmin, true), Cancel));
        return (user, secret);
    }

    /// <summary>Gives the user a confirmed authenticator and recovery codes, as enrolment would. Call before the user signs in.</summary>
    public static Task<(string Secret, IReadOnlyList<string> RecoveryCodes)> EnableTotpAsync(ApiHost api, TestUser user) => WithDbAsync(api, async (db, services) =>
    {
        var secret = TotpAuthenticator.NewSecret();
        var userId = await db.Users.Where(u => u.Email == user.Email).Select(u => u.Id).SingleAsync(Cancel);
        var now = DateTime.UtcNow;
        db.TotpCredentials.Add(new TotpCredential
        {
            UserId = userId,
            SecretCiphertext = services.GetRequiredService<TotpAuthenticator>().Protect(secret),
            CreatedAt = now,
            ConfirmedAt = now,
        });
        var codes = await services.GetRequiredService<SecondFactors>().ReplaceRecoveryCodesAsync(userId, Cancel);
        await db.SaveChangesAsync(Cancel);
        return (secret, codes);
    });

    /// <summary>Makes every session of the user as old as one signed in <paramref name="age"/> ago and never reauthenticated.</summary>
    public static Task AgeSessionsAsync(ApiHost api, TestUser user, TimeSpan age) => WithDbAsync(api, async db =>
    {
        var sessions = await db.Sessions.Where(s => s.User!.Email == user.Email).ToListAsync(Cancel);
        foreach (var session in sessions)
        {
            session.AuthenticatedAt = DateTime.UtcNow - age;
            session.ReauthenticatedAt = null;
        }
        // Tracked session changes drop the cached sessions (SessionInvalidation).
        await db.SaveChangesAsync(Cancel);
        return 0;
    });

    /// <summary>Signs the page in on the console's sign-in page, with the authenticator's code when one is given.</summary>
    public static async Task SignInAsync(IPage page, TestUser user, string? totpSecret = null)
    {
        await page.GotoAsync("/sign-in");
        await page.SignInWithPasswordAsync(user);
        if (totpSecret is not null)
        {
            await page.GetByLabel("Authentication code").FillAsync(ConsolePages.CurrentTotpCode(totpSecret));
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        }
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>The status <c>GET /api/v1/auth/me</c> answers with the page's cookies: 200 signed in, 401 not.</summary>
    public static async Task<int> MeStatusAsync(IPage page, ApiHost api)
    {
        var response = await page.Context.APIRequest.GetAsync(new Uri(api.Address, "/api/v1/auth/me").ToString());
        return response.Status;
    }

    /// <summary>The id of the session the page's cookies carry, as the API lists it.</summary>
    public static async Task<string> CurrentSessionIdAsync(IPage page, ApiHost api)
    {
        var response = await page.Context.APIRequest.GetAsync(new Uri(api.Address, "/api/v1/auth/sessions").ToString());
        var sessions = (await response.JsonAsync())!.Value;
        return sessions.EnumerateArray().Single(s => s.GetProperty("current").GetBoolean()).GetProperty("id").GetString()!;
    }

    private static Task<T> WithDbAsync<T>(ApiHost api, Func<ConvergioDb, Task<T>> work) => WithDbAsync(api, (db, _) => work(db));

    private static async Task<T> WithDbAsync<T>(ApiHost api, Func<ConvergioDb, IServiceProvider, Task<T>> work)
    {
        await using var scope = api.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ConvergioDb>(), scope.ServiceProvider);
    }
}
