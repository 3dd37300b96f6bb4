using System.Text.Json;

namespace Convergio.Cli.Tests.Deployment;

/// <summary>
/// `dotnet publish -t:PublishContainer` from the built projects, into a tarball: everything runs up to
/// the image step, which needs the base image's manifest from mcr.microsoft.com. Offline that pull is
/// where it stops; with a registry in reach the image is written.
/// </summary>
[Collection(SourceProjectCommands.Name)]
public sealed class ContainerPublishTests
{
    private sealed record Published(ContainerImage Image, string Directory, ProcessResult Run, string Archive);

    private static readonly Dictionary<string, Lazy<Task<Published>>> Runs = new()
    {
        [ContainerImage.Api] = new(() => PublishAsync(ContainerImage.Api)),
        [ContainerImage.Cli] = new(() => PublishAsync(ContainerImage.Cli)),
    };

    private static async Task<Published> PublishAsync(string project)
    {
        var image = await ContainerImage.Of(project);
        var work = Directory.CreateTempSubdirectory("convergio-container-").FullName;
        var publishDirectory = Path.Combine(work, "publish") + Path.DirectorySeparatorChar;
        var archive = Path.Combine(work, "image.tar.gz");
        var run = await ExternalProcess.RunAsync("dotnet",
            "publish", image.ProjectDirectory, "--no-build", "-c", Checkout.Configuration, "-nodeReuse:false",
            "-t:PublishContainer", $"-p:PublishDir={publishDirectory}", $"-p:ContainerArchiveOutputPath={archive}");
        return new(image, publishDirectory, run, archive);
    }

    public static TheoryData<string> Projects() => [ContainerImage.Api, ContainerImage.Cli];

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task Publish_reaches_the_image_step_with_a_configuration_the_SDK_accepts(string project)
    {
        var published = await Runs[project].Value;

        if (published.Run.ExitCode == 0)
        {
            Assert.True(File.Exists(published.Archive), published.Run.All);
            return;
        }
        // Stopped while creating the image (the base image pull), not on a CONTAINERxxxx configuration error.
        Assert.Contains("CreateNewImage", published.Run.All, StringComparison.Ordinal);
        Assert.Contains("mcr.microsoft.com", published.Run.All, StringComparison.Ordinal);
        Assert.DoesNotContain("error CONTAINER", published.Run.All, StringComparison.Ordinal);
        Assert.DoesNotContain("error NETSDK", published.Run.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_image_command_is_in_the_published_files()
    {
        var published = await Runs[ContainerImage.Cli].Value;

        var command = Assert.Single(published.Image.AppCommand);
        Assert.StartsWith("/app/", command, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(published.Directory, command["/app/".Length..])), published.Run.All);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task The_base_image_carries_every_shared_framework_the_published_program_needs(string project)
    {
        var published = await Runs[project].Value;

        // The CLI shares the server's code, so it needs ASP.NET Core too: a `runtime` base would not start it.
        var runtimeConfig = Path.Combine(published.Directory, project == ContainerImage.Cli ? "convergio.runtimeconfig.json" : "Convergio.Api.runtimeconfig.json");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(runtimeConfig, TestContext.Current.CancellationToken));
        var frameworks = json.RootElement.GetProperty("runtimeOptions").GetProperty("frameworks").EnumerateArray()
            .Select(f => f.GetProperty("name").GetString())
            .ToList();

        Assert.Contains("Microsoft.NETCore.App", frameworks);
        if (frameworks.Contains("Microsoft.AspNetCore.App"))
        {
            Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", published.Image.BaseImage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task The_published_program_does_not_ask_for_invariant_globalization(string project)
    {
        var published = await Runs[project].Value;

        foreach (var runtimeConfig in Directory.GetFiles(published.Directory, "*.runtimeconfig.json"))
        {
            var text = await File.ReadAllTextAsync(runtimeConfig, TestContext.Current.CancellationToken);
            Assert.DoesNotContain("\"System.Globalization.Invariant\": true", text, StringComparison.Ordinal);
        }
    }
}
