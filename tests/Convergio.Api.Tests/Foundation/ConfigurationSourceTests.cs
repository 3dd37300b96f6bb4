using System.Runtime.CompilerServices;
using Convergio.Api.Secrets;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Convergio.Api.Tests.Foundation;

public sealed class ConfigurationSourceTests
{
    private sealed class FakeSecretStore(Dictionary<string, string> secrets) : ISecretStore
    {
        public async IAsyncEnumerable<KeyValuePair<string, string>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var secret in secrets)
            {
                await Task.Yield();
                yield return secret;
            }
        }
    }

    private sealed class TestEnvironment(string name, string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "tests";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    [Fact]
    public void Secret_store_names_map_double_dash_to_section_separator()
    {
        var key = TestKeys.SigningKey();
        var configuration = new ConfigurationBuilder()
            .Add(new SecretStoreConfigurationSource(new FakeSecretStore(new() { ["Security--SigningKeys--0"] = key }), reloadInterval: null))
            .Build();

        Assert.Equal(key, configuration["Security:SigningKeys:0"]);
    }

    [Fact]
    public void Secret_store_wins_over_the_environment_and_appsettings()
    {
        var fromVault = TestKeys.SigningKey();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Security:SigningKeys:0"] = "from-appsettings-or-env" })
            .Add(new SecretStoreConfigurationSource(new FakeSecretStore(new() { ["Security--SigningKeys--0"] = fromVault }), reloadInterval: null))
            .Build();

        Assert.Equal(fromVault, configuration["Security:SigningKeys:0"]);
    }

    [Fact]
    public void Key_per_file_directory_supplies_secrets_with_double_underscore_paths()
    {
        var directory = Directory.CreateTempSubdirectory("convergio-secrets-").FullName;
        var key = TestKeys.SigningKey();
        File.WriteAllText(Path.Combine(directory, "Security__SigningKeys__0"), key);
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { [SecretKeys.SecretsDirectory] = directory });

        configuration.AddManagedSecrets(new TestEnvironment(Environments.Production, directory), directory);

        Assert.Equal(key, configuration["Security:SigningKeys:0"]);
    }

    [Fact]
    public void Development_generates_missing_keys_once_and_reuses_them()
    {
        var root = Directory.CreateTempSubdirectory("convergio-dev-").FullName;
        var first = new ConfigurationManager();
        first.AddManagedSecrets(new TestEnvironment(Environments.Development, root), root);
        var second = new ConfigurationManager();
        second.AddManagedSecrets(new TestEnvironment(Environments.Development, root), root);

        Assert.StartsWith(DevelopmentKeys.SigningKeyPrefix, first["Security:SigningKeys:0"], StringComparison.Ordinal);
        Assert.True(FernetKey.IsValid(first["Encryption:Keys:0"]));
        Assert.Equal(first["Security:SigningKeys:0"], second["Security:SigningKeys:0"]);
        Assert.Equal(first["Encryption:Keys:0"], second["Encryption:Keys:0"]);
        Assert.True(File.Exists(Path.Combine(root, "data", "development-keys.json")));
    }

    [Fact]
    public void Production_never_generates_keys()
    {
        var root = Directory.CreateTempSubdirectory("convergio-prod-").FullName;
        var configuration = new ConfigurationManager();

        configuration.AddManagedSecrets(new TestEnvironment(Environments.Production, root), root);

        Assert.Null(configuration["Security:SigningKeys:0"]);
        Assert.False(Directory.Exists(Path.Combine(root, "data")));
    }
}
