namespace Convergio.Cli.Tests.Deployment;

/// <summary>
/// The images `dotnet publish -t:PublishContainer` builds (docs/deploy.md), read back from the SDK's
/// own computation: name, tags, user, port, base image and the environment baked into them.
/// </summary>
public sealed class ContainerImageTests
{
    public static TheoryData<string> Projects() => [ContainerImage.Api, ContainerImage.Cli];

    [Theory]
    [InlineData(ContainerImage.Api, "convergio/api")]
    [InlineData(ContainerImage.Cli, "convergio/cli")]
    public async Task Each_image_has_its_repository_and_is_tagged_with_the_version(string project, string repository)
    {
        var image = await ContainerImage.Of(project);

        Assert.Equal(repository, image.Repository);
        Assert.Equal(["1.0.0", "latest"], image.Tags);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task Images_run_as_the_non_root_app_user_of_the_dotnet_images(string project)
    {
        var image = await ContainerImage.Of(project);

        // 1654 is APP_UID, the `app` user of the .NET images; a number lets the platform verify it is not root.
        Assert.Equal("1654", image.User);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task Images_build_on_a_chiseled_Ubuntu_noble_base_with_ICU(string project)
    {
        var image = await ContainerImage.Of(project);

        // "-extra" is the chiseled flavour that ships ICU and tzdata; the plain chiseled images are invariant.
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/(aspnet|runtime):10\.0-noble-chiseled-extra$", image.BaseImage);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task Images_turn_invariant_globalization_off_so_email_normalization_has_ICU(string project)
    {
        var image = await ContainerImage.Of(project);

        Assert.NotEqual("true", image.InvariantGlobalization, StringComparer.OrdinalIgnoreCase);
        // Set in the image itself, so no base image default can switch NFKC normalization to the invariant mode.
        Assert.Equal("false", image.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"]);
    }

    [Fact]
    public async Task The_api_image_exposes_and_listens_on_port_8080()
    {
        var image = await ContainerImage.Of(ContainerImage.Api);

        Assert.Equal(["8080/tcp"], image.Ports);
        Assert.Equal("8080", image.Environment["ASPNETCORE_HTTP_PORTS"]);
    }

    [Fact]
    public async Task The_cli_image_entrypoint_is_the_convergio_command_so_a_job_passes_only_its_arguments()
    {
        var image = await ContainerImage.Of(ContainerImage.Cli);

        Assert.Equal(["/app/convergio"], image.AppCommand);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task No_image_bakes_in_an_environment_name_so_an_unset_one_stays_Production(string project)
    {
        var image = await ContainerImage.Of(project);

        Assert.DoesNotContain(image.Environment.Keys, key => key is "ASPNETCORE_ENVIRONMENT" or "DOTNET_ENVIRONMENT");
    }
}
