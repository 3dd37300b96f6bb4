using Microsoft.AspNetCore.Authorization;

namespace Convergio.Api.Auth.StepUp;

public static class StepUpExtensions
{
    /// <summary>Step-up (recent authentication) and MFA-session requirements, and the reauthentication they point to.</summary>
    public static WebApplicationBuilder AddStepUp(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StepUpOptions>()
            .BindConfiguration(AuthOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IAuthorizationHandler, RecentAuthenticationHandler>();
        builder.Services.AddSingleton<IAuthorizationHandler, MfaSessionHandler>();
        return builder;
    }
}
