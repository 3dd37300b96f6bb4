using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.TestHost;
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

    private readonly TimeProvider? _time;
    private readonly Socket? _listening;

    /// <param name="listen">Kestrel's endpoint; loopback on a port the system picks when null.</param>
    /// <param name="listening">A loopback socket bound beforehand (its port known before the API starts), instead of <paramref name="listen"/>.</param>
    /// <param name="time">A clock the test moves (<see cref="ShiftedClock"/>); the real one when null.</param>
    public ApiHost(IDictionary<string, string?>? settings = null, Action<KestrelServerOptions>? listen = null, TimeProvider? time = null, Socket? listening = null)
    {
        _time = time;
        _listening = listening;
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
        UseKestrel(listening is not null ? k => k.ListenHandle((ulong)listening.Handle) : listen ?? (k => k.Listen(IPAddress.Loopback, 0)));
        StartServer();
        Address = listening is not null
            ? ConsoleSystem.AddressOf(listening)
            : new UriBuilder(new Uri(Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First())) { Host = "localhost" }.Uri;
    }

    /// <summary>Where the API (and the same-origin console) answers, e.g. http://localhost:41234/.</summary>
    public Uri Address { get; }

    /// <summary>The origin form of <see cref="Address"/> (no trailing slash), for allowlists and Console:ApiBaseUrl.</summary>
    public string Origin => Address.GetLeftPart(UriPartial.Authority);

    public string MailDirectory => _settings["Email:PickupDirectory"]!;

    private readonly ConcurrentQueue<string> _requests = new();
    private readonly SemaphoreSlim _requestArrived = new(0);

    /// <summary>Waits until a request the API answered matches, as <c>"POST /path 204"</c>; requests the browser sends by itself (reports) are seen only here.</summary>
    public async Task<string> WaitForRequestAsync(Func<string, bool> matches, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_requests.FirstOrDefault(matches) is { } seen)
            {
                return seen;
            }
            try
            {
                await _requestArrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching request in {timeout}; seen:{Environment.NewLine}{string.Join(Environment.NewLine, _requests)}");
            }
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_settings));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IStartupFilter>(new RequestRecorder(this));
            if (_time is not null)
            {
                services.AddSingleton(_time);
            }
        });
    }

    /// <summary>First in the pipeline: notes every request with the status it got.</summary>
    private sealed class RequestRecorder(ApiHost host) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                await following(context);
                host._requests.Enqueue($"{context.Request.Method} {context.Request.Path} {context.Response.StatusCode}");
                host._requestArrived.Release();
            });
            next(app);
        };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _listening?.Dispose();
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
