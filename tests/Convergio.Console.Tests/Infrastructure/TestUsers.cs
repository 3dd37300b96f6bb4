using System.Net.Http.Json;

namespace Convergio.WebConsole.Tests.Infrastructure;

public sealed record TestUser(string Email, string Password);

/// <summary>Accounts made through the API itself (not the console), for tests about other pages.</summary>
public static class TestUsers
{
    private static int _count;

    public static TestUser New() =>
        new($"user{Interlocked.Increment(ref _count)}-{Guid.NewGuid():N}@example.test", TestKeys.Password());

    public static async Task<TestUser> RegisterAsync(ApiHost api)
    {
        var user = New();
        using var client = new HttpClient { BaseAddress = api.Address };
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", new { email = user.Email, password = user.Password, fullName = "Ada Tester" });
        response.EnsureSuccessStatusCode();
        return user;
    }
}
