using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>
/// The API in-process, on a database of its own: a fresh SQLite file, or a fresh database
/// on the PostgreSQL server of <c>ConnectionStrings__Postgres</c>. Keys are generated per
/// factory. The clock is a <see cref="FakeTimeProvider"/> that tests may move.
/// </summary>
public sealed class ConvergioFactory : WebApplicationFactory<Program>
{
    private readonly string _directory = Directory.CreateTempSubdirectory("convergio-test-").FullName;
    private readonly Dictionary<string, string?> _settings;
    private readonly string? _postgresDatabase;
    private readonly string _environment;
    private readonly List<Action<IServiceCollection>> _serviceOverrides = [];

    public ConvergioFactory(Db db = Db.Sqlite, IDictionary<string, string?>? settings = null, string environment = "Development")
    {
        _environment = environment;
        _settings = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Database:SqlitePath"] = Path.Combine(_directory, "convergio.db"),
            ["Security:SigningKeys:0"] = TestKeys.SigningKey(),
            ["Encryption:Keys:0"] = TestKeys.FernetKey(),
            ["Email:PickupDirectory"] = Path.Combine(_directory, "mail"),
            ["ConnectionStrings:Postgres"] = null,
            ["ConnectionStrings:Redis"] = null,
            // Tests share one client address; rate-limit tests set their own limits.
            ["RateLimiting:Auth:PermitLimit"] = "100000",
            ["RateLimiting:General:PermitLimit"] = "100000",
            ["RateLimiting:Admin:PermitLimit"] = "100000",
            ["RateLimiting:Account:PermitLimit"] = "100000",
        };
        if (db == Db.Postgres)
        {
            _settings["ConnectionStrings:Postgres"] = TestServices.NewPostgresDatabase("convergio_test_", out var database);
            _postgresDatabase = database;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Where outgoing mail lands as .eml files.</summary>
    public string MailDirectory => _settings["Email:PickupDirectory"]!;

    public string DataDirectory => _directory;

    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>A factory logging everything at Trace, the framework's request and database logging included, captured in memory (GetFakeLogCollector).</summary>
    public static ConvergioFactory WithEveryLog(Db db) => new ConvergioFactory(db, new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
        ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
    }).WithServices(s => s.AddFakeLogging());

    /// <summary>Drops the raised test limits so the documented defaults apply (call before the first request).</summary>
    public ConvergioFactory WithDefaultRateLimits()
    {
        foreach (var key in _settings.Keys.Where(k => k.StartsWith("RateLimiting:", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            _settings.Remove(key);
        }
        return this;
    }

    /// <summary>Replace services before the host is built (call before the first request).</summary>
    public ConvergioFactory WithServices(Action<IServiceCollection> configure)
    {
        _serviceOverrides.Add(configure);
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        // Settings go in as host configuration so they are visible while Program builds its services.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_settings));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            foreach (var configure in _serviceOverrides)
            {
                configure(services);
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_postgresDatabase is not null)
        {
            await TestServices.DropPostgresDatabaseAsync(_postgresDatabase);
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
