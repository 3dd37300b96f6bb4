using Convergio.Api.Audit;
using Convergio.Api.Auth;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Auth.Passkeys;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Disclosure;
using Convergio.Api.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;

namespace Convergio.Api.Tests.Authorization;

/// <summary>What happens to a refused request is one handler, whatever order Program.cs adds the features in.</summary>
public sealed class AuthorizationResultChainTests
{
    private static readonly Action<WebApplicationBuilder>[] Features =
    [
        b => b.AddAudit(),
        b => b.AddAuth(),
        b => b.AddTenancy(),
        b => b.AddDisclosure(),
        b => b.AddStepUp(),
        b => b.AddMfa(),
        b => b.AddPasskeys(),
        b => b.AddEmailVerification(),
    ];

    public static TheoryData<bool> Orders() => [false, true];

    [Theory]
    [MemberData(nameof(Orders))]
    public void The_one_result_handler_is_the_chain_in_any_order_of_composition(bool reversed)
    {
        var builder = WebApplication.CreateBuilder();
        foreach (var add in reversed ? Features.Reverse() : Features)
        {
            add(builder);
        }

        var handler = Assert.Single(builder.Services, d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        Assert.Equal(typeof(AuthorizationResultChain), handler.ImplementationType);
    }
}
