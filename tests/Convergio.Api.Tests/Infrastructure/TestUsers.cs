using System.Net;
using System.Net.Http.Json;
using Convergio.Api.Auth;
using Convergio.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>A registered, signed-in user and the browser holding their session.</summary>
public sealed record TestUser(Guid Id, string Email, string Password, TestBrowser Browser)
{
    public HttpClient Client => Browser.Client;
}

public static class TestUsers
{
    public static string NewEmail() => $"user-{Guid.NewGuid():N}@example.test";

    /// <summary>Registers a new user through the API; the returned browser holds their session and CSRF cookies.</summary>
    public static async Task<TestUser> CreateSignedInUserAsync(this ConvergioFactory factory, string? email = null, string? password = null)
    {
        email ??= NewEmail();
        password ??= TestKeys.Password();
        var browser = new TestBrowser(factory);
        var response = await browser.PostJsonAsync("/api/v1/auth/register", new { email, password, fullName = "Test User" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await response.Content.ReadFromJsonAsync<UserResponse>(TestContext.Current.CancellationToken);
        return new TestUser(user!.Id, email, password, browser);
    }

    /// <summary>Signs the user in again in a fresh browser (a second session).</summary>
    public static async Task<TestBrowser> SignInAsync(this ConvergioFactory factory, TestUser user)
    {
        var browser = new TestBrowser(factory);
        var response = await browser.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return browser;
    }

    /// <summary>A signed-in platform administrator (the flag is set in the database, as `convergio admin create` does).</summary>
    public static async Task<TestUser> CreatePlatformAdminAsync(this ConvergioFactory factory)
    {
        var user = await factory.CreateSignedInUserAsync();
        await factory.UpdateUserAsync(user.Id, u => u.IsPlatformAdmin = true);
        return user;
    }

    public static async Task UpdateUserAsync(this ConvergioFactory factory, Guid userId, Action<User> change)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConvergioDb>();
        var user = await db.Users.SingleAsync(u => u.Id == userId, TestContext.Current.CancellationToken);
        change(user);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Runs a query against the factory's database.</summary>
    public static async Task<T> QueryAsync<T>(this ConvergioFactory factory, Func<ConvergioDb, Task<T>> query)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ConvergioDb>());
    }
}
