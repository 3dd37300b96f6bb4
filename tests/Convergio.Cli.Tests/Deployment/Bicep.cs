using System.Reflection;
using System.Text.Json;

namespace Convergio.Cli.Tests.Deployment;

/// <summary>
/// The Bicep compiler from the Azure.Bicep.CommandLine.linux-x64 package (pinned in
/// Directory.Packages.props), run over deploy/azure. No Azure access: build, lint and
/// <c>snapshot</c>, which evaluates the template with its parameters locally.
/// </summary>
internal static class Bicep
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000c1";
    public const string ResourceGroup = "rg-convergio";

    private static readonly Lazy<string> Executable = new(() =>
    {
        var path = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepExecutable").Value!;
        Assert.True(File.Exists(path), $"The Bicep compiler is not at {path}; restore the test project.");
        // A package may be extracted without the execute bit.
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }
        return path;
    });

    public static string AzureFolder => Checkout.PathOf("deploy", "azure");

    public static Task<ProcessResult> RunAsync(IDictionary<string, string?> environment, params string[] args) =>
        ExternalProcess.RunAsync(Executable.Value, args, environment);

    public static Task<ProcessResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    private static readonly Lazy<Task<ProcessResult>> Build = new(() => RunAsync("build", Path.Combine(AzureFolder, "main.bicep"), "--stdout"));

    /// <summary><c>bicep build main.bicep --stdout</c>, once: the ARM template on standard output, diagnostics on error.</summary>
    public static Task<ProcessResult> BuildAsync() => Build.Value;

    /// <summary>
    /// The resources a deployment of deploy/azure would create, evaluated by <c>bicep snapshot</c> from a
    /// copy of the folder (the snapshot file is written beside the parameters).
    /// </summary>
    /// <param name="parameters">A .bicepparam to use instead of main.bicepparam; it names main.bicep.</param>
    public static async Task<Snapshot> SnapshotAsync(IDictionary<string, string?> environment, string? parameters = null)
    {
        var work = Directory.CreateTempSubdirectory("convergio-bicep-").FullName;
        foreach (var file in Directory.GetFiles(AzureFolder, "*.bicep*"))
        {
            File.Copy(file, Path.Combine(work, Path.GetFileName(file)));
        }
        if (parameters is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(work, "main.bicepparam"), parameters, TestContext.Current.CancellationToken);
        }
        var run = await RunAsync(environment, "snapshot", Path.Combine(work, "main.bicepparam"),
            "--subscription-id", SubscriptionId, "--resource-group", ResourceGroup, "--location", "westeurope");
        Assert.True(run.ExitCode == 0, run.All);
        return new Snapshot(JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(work, "main.snapshot.json"), TestContext.Current.CancellationToken)).RootElement.Clone());
    }
}

/// <summary>The predicted resources of a <c>bicep snapshot</c>.</summary>
internal sealed record Snapshot(JsonElement Root)
{
    public IEnumerable<JsonElement> Resources(string type) =>
        Root.GetProperty("predictedResources").EnumerateArray().Where(r => r.GetProperty("type").GetString() == type);

    public JsonElement Resource(string type) => Assert.Single(Resources(type));

    public JsonElement ContainerApp => Resource("Microsoft.App/containerApps");

    public JsonElement MigrationJob => Resource("Microsoft.App/jobs");

    public static JsonElement Container(JsonElement appOrJob) =>
        Assert.Single(appOrJob.GetProperty("properties").GetProperty("template").GetProperty("containers").EnumerateArray());

    /// <summary>The container's environment: name to literal value, or to <c>secretref:NAME</c>.</summary>
    public static Dictionary<string, string> Environment(JsonElement appOrJob) =>
        Container(appOrJob).GetProperty("env").EnumerateArray().ToDictionary(
            e => e.GetProperty("name").GetString()!,
            e => e.TryGetProperty("secretRef", out var secret) ? $"secretref:{secret.GetString()}" : e.GetProperty("value").GetString()!);

    public static IEnumerable<JsonElement> Secrets(JsonElement appOrJob) =>
        appOrJob.GetProperty("properties").GetProperty("configuration").GetProperty("secrets").EnumerateArray();
}
