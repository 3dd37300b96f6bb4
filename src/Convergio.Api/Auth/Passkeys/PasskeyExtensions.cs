using Fido2NetLib;
using Microsoft.Extensions.Options;

namespace Convergio.Api.Auth.Passkeys;

public static class PasskeyExtensions
{
    /// <summary>WebAuthn passkeys: relying party from <c>WebAuthn:RpId</c> / <c>WebAuthn:Origins</c>, validated at start.</summary>
    public static WebApplicationBuilder AddPasskeys(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebAuthnOptions>()
            .BindConfiguration(WebAuthnOptions.Section)
            .PostConfigure<IConfiguration, IHostEnvironment>((options, configuration, environment) =>
                WebAuthnOptions.ApplyDefaultOrigins(options, configuration, environment.IsProduction()))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebAuthnOptions>, WebAuthnOptionsValidator>();
        builder.Services.AddSingleton<IFido2>(services =>
        {
            var options = services.GetRequiredService<IOptions<WebAuthnOptions>>().Value;
            return new Fido2(new Fido2Configuration
            {
                RPID = options.RpId,
                RPName = options.RpName,
                Origins = options.Origins.ToHashSet(StringComparer.Ordinal),
                Timeout = (uint)PasskeyCeremonies.ChallengeLifetime.TotalMilliseconds,
            }, metadataService: null);
        });
        builder.Services.AddScoped<PasskeyCeremonies>();
        return builder;
    }
}
