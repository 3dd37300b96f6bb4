using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.ApiDocs;

/// <summary>
/// The example client in clients/typescript and the Spectral lint, run with the node and npm on
/// the machine (CI's too): a missing npm fails these tests, it does not skip them. Packages come
/// from package-lock.json (<c>npm ci</c>, from the npm cache when it has them), install scripts off.
/// </summary>
public sealed class TypeScriptClientTests(TypeScriptClientTests.Packages packages) : IClassFixture<TypeScriptClientTests.Packages>
{
    [Fact]
    public async Task The_example_client_type_checks_against_the_contract()
    {
        var result = await packages.NpxAsync("tsc", "--noEmit", "--project", "tsconfig.json");

        Assert.True(result.ExitCode == 0, "clients/typescript does not type-check against docs/openapi.json:\n" + result.All);
    }

    [Fact]
    public async Task The_client_types_are_generated_from_the_committed_contract()
    {
        var fresh = Path.Combine(Directory.CreateTempSubdirectory("convergio-schema-").FullName, "schema.d.ts");

        var result = await packages.NpxAsync("openapi-typescript", "../../docs/openapi.json", "--output", fresh);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.True(File.ReadAllText(Path.Combine(packages.Directory, "src", "schema.d.ts")) == File.ReadAllText(fresh),
            "clients/typescript/src/schema.d.ts is stale: run `npm run generate` in clients/typescript and commit it.");
    }

    [Fact]
    public async Task Spectral_finds_no_error_and_no_warning_in_the_contract()
    {
        var result = await packages.NpxAsync("spectral", "lint", "../../docs/openapi.json", "--ruleset", "../../.spectral.yaml", "--fail-severity=warn");

        Assert.True(result.ExitCode == 0, "Spectral (spectral:oas) reports problems in docs/openapi.json:\n" + result.All);
    }

    /// <summary>clients/typescript with its locked packages installed, once for the class.</summary>
    public sealed class Packages : IAsyncLifetime
    {
        public string Directory { get; } = Path.Combine(RepositoryFiles.Root(), "clients", "typescript");

        public async ValueTask InitializeAsync()
        {
            var install = await ExternalProcess.RunAsync("npm", ["ci", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund"], new Dictionary<string, string?>(), Directory);
            Assert.True(install.ExitCode == 0, "npm ci failed in clients/typescript:\n" + install.All);
        }

        public Task<ProcessResult> NpxAsync(string tool, params string[] args) =>
            ExternalProcess.RunAsync("npx", ["--no-install", tool, .. args], new Dictionary<string, string?>(), Directory);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
