namespace Convergio.Cli.Tests.Deployment;

/// <summary>
/// deploy/azure/deploy.sh against stand-ins for <c>az</c> and <c>dotnet</c> that record every call:
/// the order of the steps is the control (no API revision before a successful migration).
/// </summary>
public sealed class DeployScriptTests
{
    private const string Registry = "crconvergioprod";
    private const string LoginServer = "crconvergioprod.azurecr.io";
    private const string Tag = "4f2a9c1e07b3";
    private const string RunningApiImage = LoginServer + "/convergio/api:0c8d1f2a3b4c";

    // Records each call with the images the deployment would read; answers what the script asks.
    private const string FakeAz = """
        #!/usr/bin/env bash
        printf 'az %s | api=%s cli=%s\n' "$*" "${CONVERGIO_API_IMAGE-}" "${CONVERGIO_CLI_IMAGE-}" >> "$FAKE_LOG"
        case "$1 $2 $3" in
          "acr show "*) echo "crconvergioprod.azurecr.io" ;;
          "acr login "*) echo "registry-token" ;;
          "containerapp show "*)
            if [ -n "${FAKE_RUNNING_API_IMAGE:-}" ]; then echo "$FAKE_RUNNING_API_IMAGE"; else echo "(ResourceNotFound)" >&2; exit 3; fi ;;
          "containerapp job start") echo "convergio-migrate-x1" ;;
          "containerapp job execution")
            polls=$(( $(cat "$FAKE_DIR/polls" 2>/dev/null || echo 0) + 1 )); echo "$polls" > "$FAKE_DIR/polls"
            read -ra statuses <<< "$FAKE_STATUSES"
            index=$(( polls <= ${#statuses[@]} ? polls - 1 : ${#statuses[@]} - 1 ))
            echo "${statuses[$index]}" ;;
        esac
        """;

    private const string FakeDotnet = """
        #!/usr/bin/env bash
        printf 'dotnet %s | user=%s token=%s\n' "$*" "${DOTNET_CONTAINER_PUSH_REGISTRY_UNAME-}" "${DOTNET_CONTAINER_PUSH_REGISTRY_PWORD-}" >> "$FAKE_LOG"
        """;

    private sealed record Run(ProcessResult Result, IReadOnlyList<string> Calls)
    {
        public List<string> Deployments => Calls.Where(c => c.StartsWith("az deployment group create", StringComparison.Ordinal)).ToList();

        public int IndexOf(string start) => Calls.ToList().FindIndex(c => c.StartsWith(start, StringComparison.Ordinal));
    }

    private static async Task<Run> DeployAsync(string statuses, string? runningApiImage, string timeoutSeconds = "60")
    {
        var fakes = Directory.CreateTempSubdirectory("convergio-deploy-").FullName;
        var log = Path.Combine(fakes, "calls.log");
        foreach (var (name, script) in new[] { ("az", FakeAz), ("dotnet", FakeDotnet) })
        {
            var path = Path.Combine(fakes, name);
            await File.WriteAllTextAsync(path, script.ReplaceLineEndings("\n") + "\n", TestContext.Current.CancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        var result = await ExternalProcess.RunAsync("bash", [Path.Combine(Bicep.AzureFolder, "deploy.sh"), "rg-convergio", Registry], new Dictionary<string, string?>
        {
            ["PATH"] = $"{fakes}{Path.PathSeparator}{Environment.GetEnvironmentVariable("PATH")}",
            ["FAKE_LOG"] = log,
            ["FAKE_DIR"] = fakes,
            ["FAKE_STATUSES"] = statuses,
            ["FAKE_RUNNING_API_IMAGE"] = runningApiImage,
            ["CONVERGIO_IMAGE_TAG"] = Tag,
            ["CONVERGIO_POLL_SECONDS"] = "0",
            ["CONVERGIO_MIGRATION_TIMEOUT"] = timeoutSeconds,
            ["CONVERGIO_NAME"] = null,
            ["CONVERGIO_API_IMAGE"] = null,
            ["CONVERGIO_CLI_IMAGE"] = null,
        });
        var calls = File.Exists(log) ? await File.ReadAllLinesAsync(log, TestContext.Current.CancellationToken) : [];
        return new(result, calls);
    }

    [Fact]
    public async Task The_script_is_valid_bash()
    {
        var check = await ExternalProcess.RunAsync("bash", "-n", Path.Combine(Bicep.AzureFolder, "deploy.sh"));

        Assert.True(check.ExitCode == 0, check.All);
    }

    [Fact]
    public async Task Both_images_are_pushed_to_the_registry_with_the_tag_using_a_registry_token()
    {
        var run = await DeployAsync("Succeeded", RunningApiImage);

        Assert.True(run.Result.ExitCode == 0, run.Result.All);
        foreach (var project in new[] { "Convergio.Api", "Convergio.Cli" })
        {
            var publish = Assert.Single(run.Calls, c => c.StartsWith("dotnet publish", StringComparison.Ordinal) && c.Contains($"src/{project} ", StringComparison.Ordinal));
            Assert.Contains("-t:PublishContainer", publish, StringComparison.Ordinal);
            Assert.Contains($"-p:ContainerRegistry={LoginServer} -p:ContainerImageTags={Tag} ", publish, StringComparison.Ordinal);
            Assert.EndsWith("token=registry-token", publish, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_new_api_revision_is_deployed_only_after_the_migration_job_succeeded()
    {
        var run = await DeployAsync("Running Running Succeeded", RunningApiImage);

        Assert.True(run.Result.ExitCode == 0, run.Result.All);
        Assert.Equal(2, run.Deployments.Count);
        // First the job's new image, the API on the image it already runs; last the new API image.
        Assert.EndsWith($"api={RunningApiImage} cli={LoginServer}/convergio/cli:{Tag}", run.Deployments[0], StringComparison.Ordinal);
        Assert.EndsWith($"api={LoginServer}/convergio/api:{Tag} cli={LoginServer}/convergio/cli:{Tag}", run.Deployments[1], StringComparison.Ordinal);
        var start = run.IndexOf("az containerapp job start");
        Assert.True(run.IndexOf("az deployment group create") < start);
        Assert.Equal(3, run.Calls.Count(c => c.StartsWith("az containerapp job execution show", StringComparison.Ordinal)));
        Assert.True(run.Calls.ToList().FindLastIndex(c => c.StartsWith("az containerapp job execution show", StringComparison.Ordinal))
            < run.Calls.ToList().FindLastIndex(c => c.StartsWith("az deployment group create", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("Running Failed")]
    [InlineData("Stopped")]
    [InlineData("Degraded")]
    public async Task A_migration_that_does_not_succeed_leaves_the_api_on_the_image_it_runs(string statuses)
    {
        var run = await DeployAsync(statuses, RunningApiImage);

        Assert.NotEqual(0, run.Result.ExitCode);
        var deployment = Assert.Single(run.Deployments);
        Assert.Contains($"api={RunningApiImage} ", deployment, StringComparison.Ordinal);
        Assert.Contains("the API was not updated", run.Result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_migration_still_running_at_the_deadline_leaves_the_api_on_the_image_it_runs()
    {
        var run = await DeployAsync("Running", RunningApiImage, timeoutSeconds: "0");

        Assert.NotEqual(0, run.Result.ExitCode);
        Assert.Single(run.Deployments);
    }

    [Fact]
    public async Task The_first_deployment_creates_no_api_until_the_first_migration_succeeded()
    {
        var run = await DeployAsync("Succeeded", runningApiImage: null);

        Assert.True(run.Result.ExitCode == 0, run.Result.All);
        Assert.Equal(2, run.Deployments.Count);
        Assert.Contains("| api= cli=", run.Deployments[0], StringComparison.Ordinal);
        Assert.Contains($"api={LoginServer}/convergio/api:{Tag} ", run.Deployments[1], StringComparison.Ordinal);
    }
}
