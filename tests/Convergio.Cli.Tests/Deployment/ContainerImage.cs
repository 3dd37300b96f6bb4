using System.Text.Json;

namespace Convergio.Cli.Tests.Deployment;

/// <summary>
/// A project's container image as the SDK computes it (<c>dotnet msbuild -t:ComputeContainerConfig</c>):
/// everything short of pulling the base image, which needs a registry these machines cannot reach.
/// </summary>
internal sealed record ContainerImage(
    string Project,
    string BaseImage,
    string Repository,
    string User,
    string InvariantGlobalization,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Ports,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> AppCommand)
{
    public const string Api = "Convergio.Api";
    public const string Cli = "Convergio.Cli";

    private static readonly Dictionary<string, Lazy<Task<ContainerImage>>> Computed = new()
    {
        [Api] = new(() => ComputeAsync(Api)),
        [Cli] = new(() => ComputeAsync(Cli)),
    };

    public static Task<ContainerImage> Of(string project) => Computed[project].Value;

    public string ProjectDirectory => Checkout.PathOf("src", Project);

    private static async Task<ContainerImage> ComputeAsync(string project)
    {
        var run = await ExternalProcess.RunAsync("dotnet",
            "msbuild", Checkout.PathOf("src", project), "-t:ComputeContainerConfig", "-nodeReuse:false",
            $"-p:Configuration={Checkout.Configuration}",
            "-getProperty:ContainerBaseImage", "-getProperty:ContainerRepository", "-getProperty:ContainerUser",
            "-getProperty:InvariantGlobalization",
            "-getItem:ContainerImageTags", "-getItem:ContainerPort", "-getItem:ContainerEnvironmentVariables", "-getItem:ContainerAppCommand");
        Assert.True(run.ExitCode == 0, run.All);

        using var json = JsonDocument.Parse(run.Output);
        var properties = json.RootElement.GetProperty("Properties");
        var items = json.RootElement.GetProperty("Items");
        IEnumerable<JsonElement> Items(string name) => items.GetProperty(name).EnumerateArray();
        static string Identity(JsonElement item) => item.GetProperty("Identity").GetString()!;

        return new(
            project,
            properties.GetProperty("ContainerBaseImage").GetString()!,
            properties.GetProperty("ContainerRepository").GetString()!,
            properties.GetProperty("ContainerUser").GetString()!,
            properties.GetProperty("InvariantGlobalization").GetString()!,
            Items("ContainerImageTags").Select(Identity).ToList(),
            Items("ContainerPort").Select(p => $"{Identity(p)}/{p.GetProperty("Type").GetString()}").ToList(),
            Items("ContainerEnvironmentVariables").ToDictionary(Identity, v => v.GetProperty("Value").GetString()!),
            Items("ContainerAppCommand").Select(Identity).ToList());
    }
}
