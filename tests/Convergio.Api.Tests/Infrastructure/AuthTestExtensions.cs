using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Auth;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>Sign-in and database helpers every feature's tests share.</summary>
public static class AuthTestExtensions
{
    public const string RegisterPath = "/api/v1/auth/register";
    public const string LoginPath = "/api/v1/auth/login";

    /// <summary>A new browser with an empty cookie jar.</summary>
    public static TestBrowser CreateBrowser(this ConvergioFactory factory) => new(factory.Server);

    /// <summary>A unique address in the reserved <c>.test</c> domain.</summary>
    public static string NewEmail() => $"user-{Guid.NewGuid():N}@example.test";

    /// <summary>Registers a new random user through the API and returns the browser signed in as them.</summary>
    public static async Task<SignedInUser> CreateSignedInUserAsync(this ConvergioFactory factory, string? email = null, string? password = null)
    {
        var browser = factory.CreateBrowser();
        email ??= NewEmail();
        password ??= TestKeys.Password();
        var response = await browser.Client.PostAsJsonAsync(RegisterPath, new { email, password, fullName = "Test User" }, TestContext.Current.CancellationToken);
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            // With Auth:RequireVerifiedEmail on, sign-up opens no session: the user follows the mailed link, then signs in.
            await factory.VerifyEmailAsync(email);
            response = await browser.LoginAsync(email, password);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        var user = await response.Content.ReadFromJsonAsync<UserBody>(TestContext.Current.CancellationToken);
        return new SignedInUser(browser, user!.Id, email, password);
    }

    /// <summary>
    /// Registers a new random user and opens the verification link mailed to them, as the mailbox's
    /// owner would: what second factors, provider keys and invitations need in every environment.
    /// </summary>
    public static async Task<SignedInUser> CreateVerifiedUserAsync(this ConvergioFactory factory, string? email = null, string? password = null)
    {
        var user = await factory.CreateSignedInUserAsync(email, password);
        await factory.VerifyEmailAsync(user.Email);
        return user;
    }

    /// <summary>Follows the latest verification link mailed to <paramref name="email"/>, from a browser without a session.</summary>
    public static async Task VerifyEmailAsync(this ConvergioFactory factory, string email)
    {
        var token = await MailPickup.WaitForLinkTokenAsync(factory.MailDirectory, email, "/verify-email");
        using var browser = factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostJsonAsync("/api/v1/auth/verify-email", new { token })).StatusCode);
    }

    /// <summary>Asks for a password reset of <paramref name="email"/> from a fresh browser and returns the token of the link mailed.</summary>
    public static async Task<string> RequestPasswordResetAsync(this ConvergioFactory factory, string email)
    {
        using var browser = factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.Accepted, (await browser.PostJsonAsync("/api/v1/auth/forgot-password", new { email })).StatusCode);
        return await MailPickup.WaitForLinkTokenAsync(factory.MailDirectory, email, "/reset-password");
    }

    /// <summary>Follows a reset link from a fresh browser, choosing <paramref name="newPassword"/>.</summary>
    public static async Task<HttpResponseMessage> ResetPasswordAsync(this ConvergioFactory factory, string token, string newPassword)
    {
        using var browser = factory.CreateBrowser();
        return await browser.PostJsonAsync("/api/v1/auth/reset-password", new { token, newPassword });
    }

    /// <summary>Signs <paramref name="browser"/> in with the given credentials; the response as it came.</summary>
    public static Task<HttpResponseMessage> LoginAsync(this TestBrowser browser, string email, string password) =>
        browser.Client.PostAsJsonAsync(LoginPath, new { email, password }, TestContext.Current.CancellationToken);

    /// <summary>Signs the user in again in a fresh browser (a second session).</summary>
    public static async Task<TestBrowser> SignInAsync(this ConvergioFactory factory, SignedInUser user)
    {
        var browser = factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.LoginAsync(user.Email, user.Password)).StatusCode);
        return browser;
    }

    /// <summary>
    /// A new signed-in user who is a platform administrator, with TOTP on: the browser holds the
    /// two-factor session that platform admin endpoints require.
    /// </summary>
    public static async Task<SignedInUser> CreatePlatformAdminAsync(this ConvergioFactory factory)
    {
        var user = await factory.CreateVerifiedUserAsync();
        await factory.MakePlatformAdminAsync(user.Id);
        await factory.EnableTotpAsync(user);
        return user;
    }

    /// <summary>Grants platform administration the way an operator would: the flag in the database.</summary>
    public static Task MakePlatformAdminAsync(this ConvergioFactory factory, Guid userId) =>
        factory.UpdateUserAsync(userId, u => u.SetProperty(x => x.IsPlatformAdmin, true));

    /// <summary>
    /// Changes the user's row directly, then reports it the way every writer of a user's security
    /// state must (<see cref="SessionInvalidation"/>), so cached sessions see the change.
    /// </summary>
    public static Task UpdateUserAsync(this ConvergioFactory factory, Guid userId, Action<UpdateSettersBuilder<User>> set) =>
        factory.WithDbAsync(async db =>
        {
            await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(set, TestContext.Current.CancellationToken);
            factory.Services.GetRequiredService<SessionInvalidation>().UserChanged(db, userId);
        });

    /// <summary>Runs <paramref name="work"/> on a fresh <see cref="ConvergioDb"/> of the factory's database.</summary>
    public static async Task<T> WithDbAsync<T>(this ConvergioFactory factory, Func<ConvergioDb, Task<T>> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ConvergioDb>());
    }

    public static async Task WithDbAsync(this ConvergioFactory factory, Func<ConvergioDb, Task> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<ConvergioDb>());
    }

    /// <summary>The user JSON of the auth endpoints.</summary>
    public sealed record UserBody(Guid Id, string Email, string? FullName, string Tier);
}
