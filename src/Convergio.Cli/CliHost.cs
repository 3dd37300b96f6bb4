using Convergio.Api.Audit;
using Convergio.Api.Data;
using Convergio.Api.Secrets;
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
        configuration.AddManagedSecrets(Environment(configuration));
        return configuration;
    }

    public static ServiceProvider Services(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddConvergioDb(configuration, Directory.GetCurrentDirectory());
        services.AddAuditChain();
        return services.BuildServiceProvider();
    }

    private static IHostEnvironment Environment(IConfiguration configuration) => new CliEnvironment
    {
        // The CLI is an operator's tool: without a setting it assumes Production.
        EnvironmentName = configuration["ASPNETCORE_ENVIRONMENT"] ?? Environments.Production,
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
