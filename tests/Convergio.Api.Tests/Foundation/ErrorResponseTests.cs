using System.Net;
using System.Text.Json;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.Api.Tests.Foundation;

public sealed class ErrorResponseTests
{
    /// <summary>Appends a throwing branch after the app's own pipeline, so it runs inside the exception handler.</summary>
    private sealed class ThrowingRoute : IStartupFilter
    {
        public const string Path = "/test-only/throw";
        public const string Secret = "internal-detail-that-must-not-leak";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map(Path, branch => branch.Run(_ => throw new InvalidOperationException(Secret)));
        };
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        return problem;
    }

    [Fact]
    public async Task Unhandled_exception_is_a_generic_500_without_internals_outside_development()
    {
        await using var factory = new ConvergioFactory(environment: "Staging")
            .WithServices(s => s.AddSingleton<IStartupFilter, ThrowingRoute>());
        // Signed in: everything that is not public is behind the deny-by-default authorization policy.
        using var user = await factory.CreateSignedInUserAsync();

        var response = await user.Client.GetAsync(ThrowingRoute.Path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = (await ProblemAsync(response)).ToString();
        Assert.DoesNotContain(ThrowingRoute.Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversize_body_is_413_problem()
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["Http:MaxRequestBodyBytes"] = "1024" });
        using var client = factory.CreateClient();

        var response = await client.PostAsync("/health/live", new ByteArrayContent(new byte[4096]), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await ProblemAsync(response);
    }

    [Fact]
    public async Task Every_response_carries_a_request_id()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);

        Assert.False(string.IsNullOrEmpty(Assert.Single(response.Headers.GetValues("X-Request-Id"))));
    }

    [Fact]
    public async Task A_client_supplied_request_id_is_not_echoed()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("X-Request-Id", "client-chosen-id");

        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.NotEqual("client-chosen-id", Assert.Single(response.Headers.GetValues("X-Request-Id")));
    }
}
