using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>
/// A user's session with the API outside the browser (cookie jar and CSRF token), to set up what a
/// test needs before it opens the console: verified accounts, second factors, organizations, invites.
/// </summary>
public sealed class ApiSession(ApiHost api) : IDisposable
{
    private readonly HttpClient _client = new(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = api.Address };
    private string? _csrf;

    /// <summary>A new account with its email verified (the link's token read from the mail folder).</summary>
    public static async Task<TestUser> RegisterVerifiedAsync(ApiHost api)
    {
        var user = await TestUsers.RegisterAsync(api);
        var token = await MailPickup.WaitForLinkTokenAsync(api.MailDirectory, user.Email, "/verify-email");
        using var session = new ApiSession(api);
        await session.PostAsync("/api/v1/auth/verify-email", new { token }, HttpStatusCode.NoContent);
        return user;
    }

    public static async Task<ApiSession> SignInAsync(ApiHost api, TestUser user)
    {
        var session = new ApiSession(api);
        await session.PostAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        return session;
    }

    /// <summary>POSTs JSON with the session's CSRF token; asserts the status; returns the body (or an empty element).</summary>
    public async Task<JsonElement> PostAsync(string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        _csrf ??= (await _client.GetFromJsonAsync<JsonElement>("/api/v1/auth/csrf")).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-CSRF-Token", _csrf);
        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"POST {path}: {(int)response.StatusCode} {text}");
        if (path.StartsWith("/api/v1/auth/login", StringComparison.Ordinal))
        {
            // A new session: its token is a new one.
            _csrf = null;
        }
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose() => _client.Dispose();
}
