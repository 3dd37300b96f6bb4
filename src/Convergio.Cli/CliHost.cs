using Convergio.Api.Audit;
using Convergio.Api.Data;
using Convergio.Api.Hosting;
using Convergio.Api.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Convergio.Cli;

/// <summary>
/// What the commands share with the server: the same configuration sources (environment,
/// key-per-file directory, Key Vault) and the same database registration.
/// </summary>
internal static class CliHost
{
    /// <param name="includeEnvironment">False to see only <paramref name="overrides"/> (linting an env file, not this shell).</param>
    public static IConfiguration Configuration(IEnumerable<KeyValuePair<string, string?>>? overrides = null, bool includeEnvironment = true)
    {
        var configuration = new ConfigurationManager();
        if (includeEnvironment)
        {
            configuration.AddEnvironmentVariables();
        }
        if (overrides is not null)
        {
            configuration.AddInMemoryCollection(overrides);
        }
        configuration.AddManagedSecrets(Environment(configuration), DataRoot.Resolve());
        return configuration;
    }

    /// <summary>What a command needing the schema says on a database that is not migrated (exit 1).</summary>
    public const string RunMigrate = "run `convergio migrate` first";

    public static ServiceProvider Services(IConfiguration configuration)
    {
        // The start-up line: which database this run uses (stderr, so --output json stays clean).
        Console.Error.WriteLine($"database: {DataRoot.DescribeDatabase(configuration)}");
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddConvergioDb(configuration, DataRoot.Resolve());
        services.AddAuditChain();
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// Null when the schema is current; else the one line a command prints before exiting 1,
    /// instead of failing on a missing table.
    /// </summary>
    public static async Task<string?> SchemaProblemAsync(ConvergioDb db, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        return pending == 0 ? null : $"The database schema is behind by {pending} migration(s): {RunMigrate}.";
    }

    /// <summary>The environment the server would run in with this configuration (Production when none is named).</summary>
    internal static IHostEnvironment Environment(IConfiguration configuration) => new CliEnvironment
    {
        EnvironmentName = HostEnvironmentName.Resolve([], name => configuration[name]),
        ContentRootPath = Directory.GetCurrentDirectory(),
    };

    private sealed class CliEnvironment : IHostEnvironment
    {
        public required string EnvironmentName { get; set; }
        public string ApplicationName { get; set; } = "convergio";
        public required string ContentRootPath { get; set; }
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
