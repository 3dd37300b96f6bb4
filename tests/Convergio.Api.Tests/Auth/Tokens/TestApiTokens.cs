using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Convergio.Api.Auth.Tokens;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Auth.Tokens;

/// <summary>Creating API tokens through the API, and clients that present one.</summary>
public static class TestApiTokens
{
    public const string Path = ApiTokenEndpoints.Path;

    /// <summary>Creates a token through the API as <paramref name="user"/> (a fresh sign-in, so step-up holds) for 30 days.</summary>
    public static async Task<CreatedApiTokenResponse> CreateTokenAsync(this SignedInUser user, ConvergioFactory factory, IReadOnlyList<string> scopes, Guid? orgId = null)
    {
        var response = await user.Browser.PostJsonAsync(Path, new { name = "ci", scopes, expiresAt = factory.Time.GetUtcNow().AddDays(30), orgId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreatedApiTokenResponse>(TestContext.Current.CancellationToken))!;
    }

    /// <summary>A client with no cookies that sends <c>Authorization: Bearer <paramref name="token"/></c>.</summary>
    public static HttpClient BearerClient(this ConvergioFactory factory, string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
