using System.Net;
using System.Text;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Foundation;

public sealed class BadInputTests
{
    [Fact]
    public async Task Malformed_json_is_400_problem()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);

        var response = await browser.Client.PostAsync("/api/v1/auth/register", new StringContent("{\"email\": ", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Json_of_the_wrong_shape_is_400_problem()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);

        var response = await browser.Client.PostAsync("/api/v1/auth/register", new StringContent("{\"email\": {\"nested\": true}}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Wrong_content_type_is_415_problem()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);

        var response = await browser.Client.PostAsync("/api/v1/auth/register", new StringContent("email=a@b.c", Encoding.UTF8, "application/x-www-form-urlencoded"), TestContext.Current.CancellationToken);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Register_body_cannot_grant_platform_admin_or_a_tier()
    {
        await using var factory = new ConvergioFactory();
        using var browser = new TestBrowser(factory);
        var email = AuthTestExtensions.NewEmail();

        var response = await browser.PostJsonAsync("/api/v1/auth/register", new { email, password = TestKeys.Password(), isPlatformAdmin = true, tier = "enterprise" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var user = await factory.WithDbAsync(d => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(d.Users, u => u.Email == email, TestContext.Current.CancellationToken));
        Assert.False(user.IsPlatformAdmin);
        Assert.Equal("free", user.Tier);
    }
}
