using Microsoft.AspNetCore.Authentication;

namespace Convergio.Api.Auth.Tokens;

public static class ApiTokenExtensions
{
    /// <summary>
    /// The API token scheme beside the session cookie's: <see cref="AuthNames.Scheme"/>, the scheme every
    /// policy names, forwards to the token scheme when the request presents a bearer credential and to the
    /// session cookie otherwise, so endpoints need no change to accept tokens (their scopes decide).
    /// </summary>
    public static WebApplicationBuilder AddApiTokens(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiTokenOptions>()
            .BindConfiguration(ApiTokenOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(AuthNames.TokenScheme, null)
            .AddPolicyScheme(AuthNames.Scheme, null, o => o.ForwardDefaultSelector = context =>
                ApiTokenAuthenticationHandler.IsPresented(context.Request) ? AuthNames.TokenScheme : AuthNames.SessionScheme);
        return builder;
    }

    /// <summary>The scope check for token requests; after rate limiting, before authorization.</summary>
    public static IApplicationBuilder UseTokenScopes(this IApplicationBuilder app) => app.UseMiddleware<TokenScopeMiddleware>();
}
