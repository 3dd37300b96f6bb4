using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>
/// The real API on Kestrel on a loopback port the system picks (read back once it listens), in
/// Development with its own SQLite file, mail folder and generated keys; the console is enabled
/// there, so it is also the same-origin console. Addressed as <c>localhost</c>, as a browser would.
/// </summary>
public sealed class ApiHost : WebApplicationFactory<Program>
{
    private readonly string _directory = Directory.CreateTempSubdirectory("convergio-console-test-").FullName;
    private readonly Dictionary<string, string?> _settings;

    public ApiHost(IDictionary<string, string?>? settings = null, Action<KestrelServerOptions>? listen = null)
    {
        _settings = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Database:SqlitePath"] = Path.Combine(_directory, "convergio.db"),
            ["Security:SigningKeys:0"] = TestKeys.SigningKey(),
            ["Encryption:Keys:0"] = TestKeys.FernetKey(),
            ["Email:PickupDirectory"] = Path.Combine(_directory, "mail"),
            ["ConnectionStrings:Postgres"] = null,
            ["ConnectionStrings:Redis"] = null,
            ["Console:Enabled"] = "true",
            // Every test signs in from one loopback address; the limits are tested in the API tests.
            ["RateLimiting:Auth:PermitLimit"] = "100000",
            ["RateLimiting:General:PermitLimit"] = "100000",
            ["RateLimiting:Admin:PermitLimit"] = "100000",
            ["RateLimiting:Account:PermitLimit"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
        UseKestrel(listen ?? (k => k.Listen(IPAddress.Loopback, 0)));
        StartServer();
        var bound = new Uri(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        Address = new UriBuilder(bound) { Host = "localhost" }.Uri;
    }

    /// <summary>Where the API (and the same-origin console) answers, e.g. http://localhost:41234/.</summary>
    public Uri Address { get; }

    /// <summary>The origin form of <see cref="Address"/> (no trailing slash), for allowlists and Console:ApiBaseUrl.</summary>
    public string Origin => Address.GetLeftPart(UriPartial.Authority);

    public string MailDirectory => _settings["Email:PickupDirectory"]!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_settings));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold the file a moment longer; the temp folder is cleaned by the OS.
        }
    }
}
