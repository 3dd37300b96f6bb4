using Convergio.Api.Auth.Notifications;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Edge;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Convergio.Api.Auth;

public static class AuthExtensions
{
    /// <summary>
    /// Session-cookie authentication and deny-by-default authorization: the fallback policy
    /// requires a signed-in session (or an API token, see Tokens/ApiTokenExtensions, which registers
    /// the <see cref="AuthNames.Scheme"/> policies name), so an endpoint is anonymous only through <c>AllowPublic()</c>.
    /// </summary>
    public static WebApplicationBuilder AddAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<PasswordHashingOptions>()
            .BindConfiguration(PasswordHashingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<PasswordHashingGate>();
        builder.Services.AddSingleton<IPasswordHasher, Argon2idPasswordHasher>();
        builder.Services.AddSingleton<AuthCookies>();
        builder.Services.AddSingleton<DeviceCookies>();
        builder.Services.AddSingleton<IKnownDevices>(services => services.GetRequiredService<DeviceCookies>());
        builder.Services.AddScoped<SessionService>();
        builder.Services.AddScoped<SecurityNotifier>();
        builder.Services.AddScoped<AttemptThrottle>();
        builder.Services.AddHostedService<SessionPurge>();
        builder.Services.AddSingleton<SessionCache>();
        builder.Services.AddSingleton<SessionInvalidation>();
        builder.Services.AddSingleton<IInterceptor, SessionChangeInterceptor>();
        builder.Services.AddSingleton<IInterceptor, SessionTransactionInterceptor>();
        builder.Services.AddHostedService<SessionInvalidationListener>();
        builder.Services.AddSingleton<LastSeenWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LastSeenWriter>());
        builder.Services.AddSingleton<PasswordResetSignal>();
        builder.Services.AddHostedService<PasswordResetDispatcher>();

        builder.Services.AddAuthentication(AuthNames.Scheme)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(AuthNames.SessionScheme, null);
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationResultChain>();
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(AuthNames.Scheme).RequireAuthenticatedUser().Build())
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(AuthNames.Scheme).RequireAuthenticatedUser().Build())
            .AddPolicy(AuthorizationPolicies.PlatformAdmin, policy => policy
                .AddAuthenticationSchemes(AuthNames.Scheme)
                .RequireAuthenticatedUser()
                .RequireClaim(AuthNames.PlatformAdminClaim, "true")
                .AddRequirements(MfaSessionRequirement.Instance));
        return builder;
    }
}
