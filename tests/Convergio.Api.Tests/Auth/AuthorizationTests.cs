using System.Net;
using Convergio.Api.Auth;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Tests.Auth;

public sealed class AuthorizationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A branch after the app's pipeline that answers whether the caller satisfies the platform-admin policy.</summary>
    private sealed class PlatformAdminProbe : IStartupFilter
    {
        public const string Path = "/test-only/platform-admin";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map(Path, branch => branch.Run(async context =>
            {
                var result = await context.RequestServices.GetRequiredService<IAuthorizationService>()
                    .AuthorizeAsync(context.User, AuthorizationPolicies.PlatformAdmin);
                if (result.Succeeded)
                {
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    return;
                }
                await context.ForbidAsync();
            }));
        };
    }

    [Fact]
    public async Task A_signed_in_user_without_the_flag_is_forbidden_by_the_platform_admin_policy_with_a_403_problem()
    {
        await using var factory = new ConvergioFactory().WithServices(s => s.AddSingleton<IStartupFilter, PlatformAdminProbe>());
        using var user = await factory.CreateSignedInUserAsync();

        await ProblemAssert.IsProblemAsync(await user.Client.GetAsync(PlatformAdminProbe.Path, Cancel), HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task A_platform_admin_satisfies_the_platform_admin_policy_from_the_next_request_on(Db db)
    {
        await using var factory = new ConvergioFactory(db).WithServices(s => s.AddSingleton<IStartupFilter, PlatformAdminProbe>());
        using var user = await factory.CreateVerifiedUserAsync();
        // The policy also wants a two-factor session (StepUpTests covers the refusal without one).
        await factory.EnableTotpAsync(user);

        await factory.MakePlatformAdminAsync(user.Id);

        Assert.Equal(HttpStatusCode.OK, (await user.Client.GetAsync(PlatformAdminProbe.Path, Cancel)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_path_without_a_session_is_401_by_the_fallback_policy()
    {
        await using var factory = new ConvergioFactory();
        using var browser = factory.CreateBrowser();

        await ProblemAssert.IsProblemAsync(await browser.Client.GetAsync("/api/v1/anything", Cancel), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Password_hashing_cheaper_than_the_minimum_refuses_to_start()
    {
        // A real process: a host that fails to start in-process races its own disposal in the test host.
        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(new Dictionary<string, string?> { ["Auth:Password:MemoryKiB"] = "1024" }, "Development");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("MemoryKiB", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Password_hashing_cost_is_read_from_auth_password()
    {
        await using var factory = new ConvergioFactory(settings: new Dictionary<string, string?> { ["Auth:Password:Iterations"] = "3" });
        using var user = await factory.CreateSignedInUserAsync();

        var hash = await factory.WithDbAsync(d => d.Users.Select(u => u.PasswordHash).SingleAsync(Cancel));

        Assert.StartsWith("$argon2id$v=19$m=19456,t=3,p=1$", hash, StringComparison.Ordinal);
    }
}
