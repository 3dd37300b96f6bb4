using System.Net;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Foundation;

public sealed class ApiDocsTests
{
    [Fact]
    public async Task The_openapi_document_is_public_in_development()
    {
        await using var factory = new ConvergioFactory();
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/api/v1/auth/login", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/scalar/v1")]
    public async Task The_api_docs_do_not_exist_outside_development(string path)
    {
        await using var factory = new ConvergioFactory(environment: "Staging");
        var user = await factory.CreateSignedInUserAsync();

        var response = await user.Browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
