using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Convergio.Api.Data;
using Microsoft.Extensions.Configuration;

namespace Convergio.Cli.Tests.Deployment;

/// <summary>
/// deploy/compose.yaml (PostgreSQL 15 and Redis with TLS on, loopback only) and deploy/local-tls.sh,
/// which makes its certificates, passwords and connection strings. No Docker here: the script runs
/// for real, the compose file is checked line by line.
/// </summary>
public sealed partial class LocalServicesTests
{
    private static readonly string Compose = Checkout.ReadAllText("deploy", "compose.yaml");

    private sealed record Generated(string Folder, ProcessResult Run)
    {
        public string PathOf(string file) => Path.Combine(Folder, file);

        /// <summary>The variables env.sh exports (<c>export NAME='value'</c>).</summary>
        public Dictionary<string, string> Environment() =>
            File.ReadAllLines(PathOf("env.sh"))
                .Select(line => ExportLine().Match(line))
                .Where(m => m.Success)
                .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
    }

    private static async Task<Generated> GenerateAsync()
    {
        var folder = Path.Combine(Directory.CreateTempSubdirectory("convergio-local-tls-").FullName, ".tls");
        var run = await ExternalProcess.RunAsync("bash", Checkout.PathOf("deploy", "local-tls.sh"), folder);
        Assert.True(run.ExitCode == 0, run.All);
        return new(folder, run);
    }

    private static readonly Lazy<Task<Generated>> Once = new(GenerateAsync);

    [Fact]
    public async Task The_server_certificate_is_for_loopback_and_chains_to_the_generated_CA()
    {
        var generated = await Once.Value;
        using var ca = X509CertificateLoader.LoadCertificateFromFile(generated.PathOf("ca.crt"));
        using var server = X509CertificateLoader.LoadCertificateFromFile(generated.PathOf("server.crt"));

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new("1.3.6.1.5.5.7.3.1"));

        Assert.True(chain.Build(server), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.True(server.MatchesHostname("127.0.0.1"));
        Assert.True(server.MatchesHostname("localhost"));
        Assert.False(server.MatchesHostname("convergio.io"));
    }

    [Theory]
    [InlineData("ca.key")]
    [InlineData("env.sh")]
    public async Task What_no_container_needs_is_readable_by_its_owner_only(string file)
    {
        var generated = await Once.Value;

        var mode = OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(generated.PathOf(file));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.DoesNotContain($"./.tls/{file}:", Compose, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_run_draws_new_random_passwords()
    {
        var first = await Once.Value;
        var second = await GenerateAsync();

        foreach (var file in new[] { "postgres-password", "redis-password" })
        {
            var password = await File.ReadAllTextAsync(first.PathOf(file), TestContext.Current.CancellationToken);
            Assert.True(password.Length >= 32, file);
            Assert.NotEqual(password, await File.ReadAllTextAsync(second.PathOf(file), TestContext.Current.CancellationToken));
        }
        Assert.NotEqual(await File.ReadAllTextAsync(first.PathOf("postgres-password"), TestContext.Current.CancellationToken),
            await File.ReadAllTextAsync(first.PathOf("redis-password"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_script_never_overwrites_certificates_the_volumes_were_made_with()
    {
        var generated = await Once.Value;
        var before = await File.ReadAllTextAsync(generated.PathOf("server.crt"), TestContext.Current.CancellationToken);

        var again = await ExternalProcess.RunAsync("bash", Checkout.PathOf("deploy", "local-tls.sh"), generated.Folder);

        Assert.Equal(1, again.ExitCode);
        Assert.Equal(before, await File.ReadAllTextAsync(generated.PathOf("server.crt"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_generated_connection_strings_pass_the_production_database_and_redis_rules()
    {
        var environment = (await Once.Value).Environment();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)))
            .Build();

        Assert.Empty(new PostgresTlsRule().Check(configuration));
        Assert.Empty(new RedisTlsRule().Check(configuration));
        Assert.Contains("SSL Mode=VerifyFull", environment["ConnectionStrings__Postgres"], StringComparison.Ordinal);
        Assert.Contains($"Root Certificate={(await Once.Value).PathOf("ca.crt")}", environment["ConnectionStrings__Postgres"], StringComparison.Ordinal);
        Assert.Equal((await Once.Value).PathOf("ca.crt"), environment["SSL_CERT_FILE"]);
    }

    [Fact]
    public async Task The_generated_folder_is_ignored_by_git()
    {
        var ignored = await ExternalProcess.RunAsync("git", "-C", Checkout.Root, "check-ignore", "-q", "deploy/.tls/server.key");

        Assert.Equal(0, ignored.ExitCode);
    }

    [Fact]
    public async Task Every_file_the_containers_mount_from_the_tls_folder_is_one_the_script_makes()
    {
        var generated = await Once.Value;

        var mounted = MountedTlsFile().Matches(Compose).Select(m => m.Groups["file"].Value).Distinct().ToList();

        Assert.NotEmpty(mounted);
        Assert.All(mounted, file => Assert.True(File.Exists(generated.PathOf(file)), file));
    }

    [Fact]
    public void Every_published_port_listens_on_loopback_only()
    {
        var ports = PublishedPort().Matches(Compose).Select(m => m.Groups["port"].Value).ToList();

        Assert.Equal(2, ports.Count);
        Assert.All(ports, port => Assert.StartsWith("127.0.0.1:", port, StringComparison.Ordinal));
    }

    [Fact]
    public void Postgres_15_accepts_TLS_1_2_or_later_only()
    {
        Assert.Contains("image: postgres:15\n", Compose, StringComparison.Ordinal);
        Assert.Contains("-c ssl=on -c ssl_min_protocol_version=TLSv1.2", Compose, StringComparison.Ordinal);
        Assert.Contains("-c hba_file=/etc/convergio/pg_hba.conf", Compose, StringComparison.Ordinal);
        var rules = Checkout.ReadAllText("deploy", "local", "pg_hba.conf").Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0])
            .Distinct();
        // "hostssl" for TCP, "local" for the Unix socket inside the container; never "host".
        Assert.Equal(["local", "hostssl"], rules);
    }

    [Fact]
    public void Redis_has_no_plaintext_listener_and_requires_a_password()
    {
        Assert.Contains("--port 0 --tls-port 6379", Compose, StringComparison.Ordinal);
        Assert.Contains("--tls-protocols \"TLSv1.2 TLSv1.3\"", Compose, StringComparison.Ordinal);
        Assert.Contains("--requirepass \"$$(cat /tls/redis-password)\"", Compose, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^export (?<name>[A-Za-z_]+)='(?<value>[^']*)'$")]
    private static partial Regex ExportLine();

    [GeneratedRegex(@"\./\.tls/(?<file>[\w.-]+):")]
    private static partial Regex MountedTlsFile();

    [GeneratedRegex(@"^\s+- ""(?<port>[^""]+:\d+:\d+)""$", RegexOptions.Multiline)]
    private static partial Regex PublishedPort();
}
