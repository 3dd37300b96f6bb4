namespace Convergio.Api.Auth.Mfa;

public static class MfaExtensions
{
    /// <summary>TOTP second factor with recovery codes; secrets encrypted with the Fernet key ring.</summary>
    public static WebApplicationBuilder AddMfa(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<TotpAuthenticator>();
        builder.Services.AddScoped<SecondFactors>();
        return builder;
    }
}
