namespace Convergio.Api.Csrf;

public static class CsrfExtensions
{
    /// <summary>Signed double-submit tokens: the service that mints and checks them.</summary>
    public static WebApplicationBuilder AddCsrf(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CsrfTokens>();
        return builder;
    }

    /// <summary>After authentication (a token is bound to the session it finds) and before authorization.</summary>
    public static IApplicationBuilder UseCsrfProtection(this IApplicationBuilder app) => app.UseMiddleware<CsrfMiddleware>();
}
