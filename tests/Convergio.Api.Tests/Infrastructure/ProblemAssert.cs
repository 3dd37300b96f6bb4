using System.Net;
using System.Text.Json;

namespace Convergio.Api.Tests.Infrastructure;

public static class ProblemAssert
{
    /// <summary>Asserts an RFC 9457 problem with the given status and returns its body.</summary>
    public static async Task<JsonElement> IsProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        return problem;
    }

    /// <summary>The problem's <c>detail</c>, after asserting status and shape.</summary>
    public static async Task<string?> DetailAsync(HttpResponseMessage response, HttpStatusCode status) =>
        (await IsProblemAsync(response, status)).GetProperty("detail").GetString();

    /// <summary>The problem's <c>type</c>, after asserting status and shape.</summary>
    public static async Task<string?> TypeAsync(HttpResponseMessage response, HttpStatusCode status) =>
        (await IsProblemAsync(response, status)).GetProperty("type").GetString();

    /// <summary>Asserts a 400 problem whose <c>errors</c> name <paramref name="field"/>.</summary>
    public static async Task IsValidationProblemAsync(HttpResponseMessage response, string field)
    {
        var problem = await IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
    }
}
