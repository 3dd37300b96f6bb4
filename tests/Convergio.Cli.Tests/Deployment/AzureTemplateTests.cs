using System.Security.Cryptography;
using System.Text.Json;
using Convergio.Api.Secrets;
using Convergio.Cli.Baseline;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;

namespace Convergio.Cli.Tests.Deployment;

/// <summary>
/// deploy/azure/main.bicep with main.bicepparam, compiled and linted by the Bicep CLI, and evaluated
/// with <c>bicep snapshot</c> into the resources a deployment would create (docs/deploy.md).
/// </summary>
public sealed class AzureTemplateTests
{
    private const string ApiImage = "crconvergioprod.azurecr.io/convergio/api:4f2a9c1";
    private const string CliImage = "crconvergioprod.azurecr.io/convergio/cli:4f2a9c1";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    private static Dictionary<string, string?> Images(string? api = ApiImage) => new()
    {
        ["CONVERGIO_API_IMAGE"] = api,
        ["CONVERGIO_CLI_IMAGE"] = CliImage,
        ["CONVERGIO_REGISTRY"] = "crconvergioprod",
        ["CONVERGIO_NAME"] = null,
        ["CONVERGIO_CUSTOM_DOMAIN"] = null,
        ["CONVERGIO_CUSTOM_DOMAIN_CERTIFICATE_ID"] = null,
    };

    private static readonly Lazy<Task<Snapshot>> Deployment = new(() => Bicep.SnapshotAsync(Images()));

    private static Task<Snapshot> DeploymentAsync() => Deployment.Value;

    private static JsonElement Ingress(Snapshot deployment) =>
        deployment.ContainerApp.GetProperty("properties").GetProperty("configuration").GetProperty("ingress");

    [Fact]
    public async Task The_template_compiles_with_no_warning()
    {
        var build = await Bicep.BuildAsync();

        Assert.True(build.ExitCode == 0, build.Error);
        Assert.Equal("", build.Error);
    }

    [Theory]
    [InlineData("main.bicep")]
    [InlineData("main.bicepparam")]
    public async Task The_linter_finds_nothing(string file)
    {
        var lint = await Bicep.RunAsync(Images(), "lint", Path.Combine(Bicep.AzureFolder, file));

        Assert.True(lint.ExitCode == 0, lint.All);
        Assert.Equal("", lint.All.Trim());
    }

    [Fact]
    public async Task The_parameters_file_compiles_against_the_template_with_no_warning()
    {
        var build = await Bicep.RunAsync(Images(), "build-params", Path.Combine(Bicep.AzureFolder, "main.bicepparam"), "--stdout");

        Assert.True(build.ExitCode == 0, build.Error);
        Assert.Equal("", build.Error);
    }

    [Fact]
    public async Task The_api_is_reached_only_over_https_through_external_ingress_to_port_8080()
    {
        var ingress = Ingress(await DeploymentAsync());

        Assert.True(ingress.GetProperty("external").GetBoolean());
        Assert.False(ingress.GetProperty("allowInsecure").GetBoolean());
        Assert.Equal(8080, ingress.GetProperty("targetPort").GetInt32());
    }

    [Fact]
    public async Task Start_up_and_liveness_probe_health_live_and_readiness_probes_health_ready_on_the_app_port()
    {
        var deployment = await DeploymentAsync();

        var probes = Snapshot.Container(deployment.ContainerApp).GetProperty("probes").EnumerateArray()
            .ToDictionary(p => p.GetProperty("type").GetString()!, p => p.GetProperty("httpGet"));

        Assert.Equal(["Liveness", "Readiness", "Startup"], probes.Keys.Order());
        Assert.Equal("/health/live", probes["Startup"].GetProperty("path").GetString());
        // Liveness never on /health/ready: a database outage must not restart every replica.
        Assert.Equal("/health/live", probes["Liveness"].GetProperty("path").GetString());
        Assert.Equal("/health/ready", probes["Readiness"].GetProperty("path").GetString());
        Assert.All(probes.Values, p => Assert.Equal(8080, p.GetProperty("port").GetInt32()));
    }

    [Fact]
    public async Task The_api_scales_on_concurrent_http_requests_between_its_replica_bounds()
    {
        var scale = (await DeploymentAsync()).ContainerApp.GetProperty("properties").GetProperty("template").GetProperty("scale");

        Assert.Equal(2, scale.GetProperty("minReplicas").GetInt32());
        Assert.Equal(10, scale.GetProperty("maxReplicas").GetInt32());
        var rule = Assert.Single(scale.GetProperty("rules").EnumerateArray());
        Assert.Equal("50", rule.GetProperty("http").GetProperty("metadata").GetProperty("concurrentRequests").GetString());
    }

    [Theory]
    [InlineData("Microsoft.App/containerApps")]
    [InlineData("Microsoft.App/jobs")]
    public async Task Every_secret_is_a_Key_Vault_reference_read_with_the_user_assigned_identity(string type)
    {
        var deployment = await DeploymentAsync();
        var identity = deployment.Resource("Microsoft.ManagedIdentity/userAssignedIdentities").GetProperty("id").GetString();

        var secrets = Snapshot.Secrets(deployment.Resource(type)).ToList();

        Assert.NotEmpty(secrets);
        Assert.All(secrets, secret =>
        {
            Assert.False(secret.TryGetProperty("value", out _), secret.ToString());
            Assert.Contains("secrets/", secret.GetProperty("keyVaultUrl").GetString(), StringComparison.Ordinal);
            Assert.Equal(identity, secret.GetProperty("identity").GetString());
        });
    }

    [Theory]
    [InlineData("ConnectionStrings__Postgres", "ConnectionStrings--Postgres")]
    [InlineData("ConnectionStrings__Redis", "ConnectionStrings--Redis")]
    [InlineData("Security__SigningKeys__0", "Security--SigningKeys--0")]
    [InlineData("Encryption__Keys__0", "Encryption--Keys--0")]
    [InlineData("Stripe__WebhookSecrets__0", "Stripe--WebhookSecrets--0")]
    [InlineData("Sentry__Dsn", "Sentry--Dsn")]
    [InlineData("Observability__MetricsToken", "Observability--MetricsToken")]
    [InlineData("Email__Smtp__Password", "Email--Smtp--Password")]
    public async Task Each_secret_setting_comes_from_its_vault_secret_in_the_api_and_the_job(string key, string vaultSecret)
    {
        var deployment = await DeploymentAsync();

        foreach (var appOrJob in new[] { deployment.ContainerApp, deployment.MigrationJob })
        {
            var reference = Snapshot.Environment(appOrJob)[key];
            Assert.StartsWith("secretref:", reference, StringComparison.Ordinal);
            var secret = Snapshot.Secrets(appOrJob).Single(s => s.GetProperty("name").GetString() == reference["secretref:".Length..]);
            Assert.EndsWith($"'{vaultSecret}')]", secret.GetProperty("keyVaultUrl").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_postgres_root_certificate_is_a_vault_secret_mounted_as_a_file()
    {
        var deployment = await DeploymentAsync();
        var app = deployment.ContainerApp;

        var volume = Assert.Single(app.GetProperty("properties").GetProperty("template").GetProperty("volumes").EnumerateArray());
        Assert.Equal("Secret", volume.GetProperty("storageType").GetString());
        var file = Assert.Single(volume.GetProperty("secrets").EnumerateArray());
        Assert.Contains(Snapshot.Secrets(app), s => s.GetProperty("name").GetString() == file.GetProperty("secretRef").GetString());
        var mount = Assert.Single(Snapshot.Container(app).GetProperty("volumeMounts").EnumerateArray());
        Assert.Equal(deployment.Root.GetProperty("outputs").GetProperty("postgresRootCertificatePath").GetString(),
            $"{mount.GetProperty("mountPath").GetString()}/{file.GetProperty("path").GetString()}");
    }

    [Fact]
    public async Task The_identity_is_a_Key_Vault_Secrets_User_on_the_vault()
    {
        var deployment = await DeploymentAsync();

        var assignment = deployment.Resources("Microsoft.Authorization/roleAssignments")
            .Single(a => a.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!.EndsWith(KeyVaultSecretsUser, StringComparison.Ordinal));

        Assert.Contains("/providers/Microsoft.KeyVault/vaults/kv-convergio-prod/providers/Microsoft.Authorization/roleAssignments/",
            assignment.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Contains("userAssignedIdentities/convergio-identity", assignment.GetProperty("properties").GetProperty("principalId").GetString(), StringComparison.Ordinal);
        Assert.Equal("ServicePrincipal", assignment.GetProperty("properties").GetProperty("principalType").GetString());
    }

    [Fact]
    public async Task The_api_runs_in_Production_whatever_the_settings_parameter_says()
    {
        var deployment = await Bicep.SnapshotAsync(Images(), """
            using 'main.bicep'
            param keyVaultName = 'kv-convergio-prod'
            param containerRegistryName = 'crconvergioprod'
            param apiImage = readEnvironmentVariable('CONVERGIO_API_IMAGE')
            param cliImage = readEnvironmentVariable('CONVERGIO_CLI_IMAGE')
            param allowedHosts = 'api.convergio.io'
            param corsAllowedOrigins = 'https://app.convergio.io'
            param settings = { ASPNETCORE_ENVIRONMENT: 'Development', CORS_ALLOWED_ORIGINS: '*' }
            """);

        Assert.Equal("Production", Snapshot.Environment(deployment.ContainerApp)["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("Production", Snapshot.Environment(deployment.MigrationJob)["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("https://app.convergio.io", Snapshot.Environment(deployment.ContainerApp)["CORS_ALLOWED_ORIGINS"]);
    }

    [Fact]
    public async Task Forwarded_headers_are_trusted_only_from_the_environment_subnet()
    {
        var deployment = await DeploymentAsync();
        var subnet = Assert.Single(deployment.Resource("Microsoft.Network/virtualNetworks").GetProperty("properties").GetProperty("subnets").EnumerateArray());

        var environment = Snapshot.Environment(deployment.ContainerApp);

        Assert.Equal(subnet.GetProperty("properties").GetProperty("addressPrefix").GetString(), environment["ForwardedHeaders__KnownNetworks__0"]);
        Assert.DoesNotContain(environment.Keys, key => key.StartsWith("ForwardedHeaders__KnownProxies", StringComparison.Ordinal));
        Assert.Equal("Microsoft.App/environments",
            Assert.Single(subnet.GetProperty("properties").GetProperty("delegations").EnumerateArray()).GetProperty("properties").GetProperty("serviceName").GetString());
    }

    /// <summary>A well-formed value for each secret the template reads, as the vault would hold it (ring entries dated, as `convergio keys generate` writes them).</summary>
    private static string SecretValue(string key) => key switch
    {
        "ConnectionStrings__Postgres" => $"Host=db.internal;Database=postgres;Username=convergio;Password={Random(24)};SSL Mode=VerifyFull;Root Certificate=/run/convergio/tls/postgres-root.crt",
        "ConnectionStrings__Redis" => $"cache.internal:6379,ssl=true,password={Random(24)}",
        "Security__SigningKeys__0" => Dated(Random(64)),
        "Encryption__Keys__0" => Dated(FernetKey.Generate()),
        "Stripe__WebhookSecrets__0" => Dated($"whsec_{Random(32)}"),
        "Sentry__Dsn" => "https://public@sentry.example/1",
        "Observability__MetricsToken" => Random(48),
        "Email__Smtp__Password" => Random(24),
        _ => throw new InvalidOperationException($"The template reads {key}; give this test a value for it."),
    };

    private static string Dated(string key) => RingEntry.Write(key, RingEntry.Today(TimeProvider.System));

    private static string Random(int bytes) => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(bytes));

    [Fact]
    public async Task The_configuration_the_template_gives_the_api_passes_the_production_guard()
    {
        var environment = Snapshot.Environment((await DeploymentAsync()).ContainerApp);
        // The app's own host name is only known once Azure made the environment; the parameter's part is literal.
        Assert.Contains("'api.convergio.io'", environment["AllowedHosts"], StringComparison.Ordinal);
        environment["AllowedHosts"] = "api.convergio.io;convergio-api.example.westeurope.azurecontainerapps.io";

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(
            e.Key.Replace("__", ":", StringComparison.Ordinal),
            (string?)(e.Value.StartsWith("secretref:", StringComparison.Ordinal) ? SecretValue(e.Key) : e.Value)))).Build();
        var report = BaselineLint.Run(configuration, "main.bicep", TimeProvider.System);

        Assert.DoesNotContain(report.Results, r => r.Outcome == CheckOutcome.Fail);
        Assert.DoesNotContain(report.Results, r => r.Outcome == CheckOutcome.Warn);
    }

    [Fact]
    public async Task The_migration_job_is_started_by_hand_and_runs_convergio_migrate_from_the_cli_image()
    {
        var job = (await DeploymentAsync()).MigrationJob;

        Assert.Equal("Manual", job.GetProperty("properties").GetProperty("configuration").GetProperty("triggerType").GetString());
        var container = Snapshot.Container(job);
        Assert.Equal(CliImage, container.GetProperty("image").GetString());
        // The image's entrypoint is /app/convergio (ContainerImageTests): the job adds the command.
        Assert.Equal(["migrate"], container.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.False(container.TryGetProperty("command", out _));
    }

    [Fact]
    public async Task The_migration_job_sees_the_same_secrets_as_the_api()
    {
        var deployment = await DeploymentAsync();

        static IEnumerable<string> SecretKeys(JsonElement appOrJob) =>
            Snapshot.Environment(appOrJob).Where(e => e.Value.StartsWith("secretref:", StringComparison.Ordinal)).Select(e => e.Key).Order();

        Assert.Equal(SecretKeys(deployment.ContainerApp), SecretKeys(deployment.MigrationJob));
    }

    [Fact]
    public async Task The_first_deployment_creates_the_migration_job_but_no_api_before_the_schema_exists()
    {
        var deployment = await Bicep.SnapshotAsync(Images(api: null));

        Assert.Empty(deployment.Resources("Microsoft.App/containerApps"));
        Assert.Single(deployment.Resources("Microsoft.App/jobs"));
    }

    [Fact]
    public async Task The_environment_sends_its_logs_to_Log_Analytics()
    {
        var deployment = await DeploymentAsync();

        var logs = deployment.Resource("Microsoft.App/managedEnvironments").GetProperty("properties").GetProperty("appLogsConfiguration");

        Assert.Equal("log-analytics", logs.GetProperty("destination").GetString());
        Assert.Contains("Microsoft.OperationalInsights/workspaces/convergio-logs", logs.GetProperty("logAnalyticsConfiguration").GetProperty("customerId").GetString(), StringComparison.Ordinal);
    }
}
