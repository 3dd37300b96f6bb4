using System.Diagnostics;
using System.Text.Json;
using Convergio.Api.Data;
using Convergio.Api.Hosting;
using Convergio.Api.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace Convergio.Api.Tests.Foundation;

/// <summary>The README's commands, run as a new user runs them (<c>dotnet run --project src/Convergio.Api</c>).</summary>
public sealed class NewcomerPathTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(300);

    /// <summary>
    /// <c>dotnet run</c> of the built API (with its launch profile unless <paramref name="launchProfile"/> is false),
    /// on a port the system picks, with none of this shell's environment or connection strings.
    /// </summary>
    private static RunningApi DotnetRun(IDictionary<string, string> environment, bool launchProfile = true)
    {
        var root = RepositoryFiles.Root();
        string[] options = launchProfile ? ["run", "--no-build"] : ["run", "--no-build", "--no-launch-profile"];
        var start = new ProcessStartInfo("dotnet", [.. options, "--project", Path.Combine(root, "src", "Convergio.Api"), "--", "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
            || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k == "DOTNET_ENVIRONMENT").ToList())
        {
            start.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        return new RunningApi(Process.Start(start)!);
    }

    [Fact]
    public async Task ASPNETCORE_ENVIRONMENT_Production_beats_the_launch_profile_and_an_empty_configuration_is_refused()
    {
        await using var api = DotnetRun(new Dictionary<string, string> { [HostEnvironmentName.AspNetCoreVariable] = Environments.Production });

        var started = await api.WaitUntilStartedAsync(StartTimeout);
        var output = await api.StopAsync();

        Assert.False(started, output);
        Assert.Equal(1, api.ExitCode);
        Assert.Contains("Refusing to start in Production", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_launch_profile_or_any_environment_variable_the_server_is_Production()
    {
        await using var api = DotnetRun(new Dictionary<string, string>(), launchProfile: false);

        var started = await api.WaitUntilStartedAsync(StartTimeout);
        var output = await api.StopAsync();

        Assert.False(started, output);
        Assert.Equal(1, api.ExitCode);
        Assert.Contains("Refusing to start in Production", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_launch_profile_sets_Development_through_DOTNET_ENVIRONMENT_only()
    {
        var variables = LaunchProfileVariables();

        Assert.Equal(Environments.Development, variables[HostEnvironmentName.DotnetVariable]);
        Assert.False(variables.ContainsKey(HostEnvironmentName.AspNetCoreVariable));
        Assert.Equal(Environments.Development, HostEnvironmentName.Resolve([], name => variables.GetValueOrDefault(name)));
    }

    [Fact]
    public void ASPNETCORE_ENVIRONMENT_beats_the_launch_profiles_DOTNET_ENVIRONMENT()
    {
        var variables = new Dictionary<string, string>(LaunchProfileVariables()) { [HostEnvironmentName.AspNetCoreVariable] = Environments.Production };

        Assert.Equal(Environments.Production, HostEnvironmentName.Resolve([], name => variables.GetValueOrDefault(name)));
    }

    [Fact]
    public void The_environment_argument_beats_both_variables()
    {
        var variables = new Dictionary<string, string>
        {
            [HostEnvironmentName.AspNetCoreVariable] = Environments.Production,
            [HostEnvironmentName.DotnetVariable] = Environments.Development,
        };

        Assert.Equal(Environments.Staging, HostEnvironmentName.Resolve(["--environment", Environments.Staging], name => variables.GetValueOrDefault(name)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void An_unset_or_blank_environment_is_Production(string? value) =>
        Assert.Equal(Environments.Production, HostEnvironmentName.Resolve([], _ => value));

    private static Dictionary<string, string> LaunchProfileVariables()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryFiles.Root(), "src", "Convergio.Api", "Properties", "launchSettings.json")));
        return settings.RootElement.GetProperty("profiles").GetProperty("Convergio.Api").GetProperty("environmentVariables")
            .EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    [Fact]
    public async Task A_refused_production_start_prints_the_reason_without_a_log_dump_or_stack_trace()
    {
        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(new Dictionary<string, string?>(), Environments.Production);

        Assert.Equal(1, exitCode);
        Assert.Contains("Refusing to start in Production", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Hosting failed to start", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"LogLevel\":\"Error\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_dotnet_run_is_Development_on_the_checkouts_data_folder()
    {
        await using var api = DotnetRun(new Dictionary<string, string>());

        var started = await api.WaitUntilStartedAsync(StartTimeout);
        var output = await api.StopAsync();

        Assert.True(started, output);
        Assert.Contains("Hosting environment: Development", output, StringComparison.Ordinal);
        Assert.Contains($"Database: SQLite at {Path.Combine(RepositoryFiles.Root(), "data", "convergio.db")}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_start_log_says_where_the_server_listens_and_who_terminates_TLS()
    {
        await using var api = (await ApiProcess.TryStartAsync(new Dictionary<string, string?>(), "Development"))!;
        var output = await api.StopAsync();

        Assert.Contains($"Listening on {api.Addresses.Single().ToString().TrimEnd('/')}", output, StringComparison.Ordinal);
        Assert.Contains("TLS is not terminated here", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ListeningLog.TerminatedHere)]
    [InlineData(ListeningLog.TerminatedByProxy)]
    [InlineData(ListeningLog.NotTerminated)]
    public void The_https_guide_explains_every_tls_line_the_start_log_can_print(string line)
    {
        var guide = File.ReadAllText(Path.Combine(RepositoryFiles.Root(), "docs", "production-https.md"));

        Assert.Contains(line, guide, StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_a_checkout_data_paths_resolve_against_the_working_directory()
    {
        var elsewhere = Directory.CreateTempSubdirectory("convergio-installed-").FullName;

        Assert.Null(DataRoot.CheckoutAbove(elsewhere));
    }
}
