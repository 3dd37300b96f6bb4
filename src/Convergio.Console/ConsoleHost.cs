using Convergio.WebConsole.Edge;
using Microsoft.Extensions.Options;

namespace Convergio.WebConsole;

/// <summary>
/// The console as its own host (split topology: https://app.convergio.io calling https://api.convergio.io).
/// A class rather than top-level statements, so no second public <c>Program</c> meets the API's in tests.
/// </summary>
public static class ConsoleHost
{
    /// <summary>Where the API listens in Development (src/Convergio.Api launch profile).</summary>
    public const string DevelopmentApiBaseUrl = "http://localhost:5080";

    /// <summary>RFC 9116's address, on every origin; the API serves the file itself.</summary>
    public const string SecurityTxtPath = "/.well-known/security.txt";

    public static async Task Main(string[] args) => await Build(args).RunAsync();

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.AddConsole();
        builder.Services.PostConfigure<ConsoleOptions>(o =>
        {
            if (o.ApiBaseUrl.Length == 0 && builder.Environment.IsDevelopment())
            {
                o.ApiBaseUrl = DevelopmentApiBaseUrl;
            }
        });
        builder.Services.AddOptions<ConsoleOptions>()
            .Validate(o => o.ApiBaseUrl.Length > 0, $"{ConsoleOptions.Section}:ApiBaseUrl is required when the console runs as its own host.");

        var app = builder.Build();
        app.UseConsoleHeaders();
        app.MapConsole();
        // A researcher looks for security.txt on the origin they found; RFC 9116 (section 3) allows a
        // redirect, and one copy (the API's, which its Canonical field names) cannot drift from another.
        app.MapGet(SecurityTxtPath, (IOptions<ConsoleOptions> options) => TypedResults.Redirect(options.Value.ApiOrigin + SecurityTxtPath))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }
}
