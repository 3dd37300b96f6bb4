using System.Diagnostics;
using System.Text;
using Convergio.Testing;
using Microsoft.Extensions.Hosting;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>Runs the built API as a real process, for start-up behaviour a test host cannot show (exit codes, stderr).</summary>
public static class ApiProcess
{
    // Generous: a start on a machine shared with parallel builds can take minutes.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(240);

    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(IDictionary<string, string?> settings, string environment)
    {
        var (args, variables, directory) = Launch(settings, environment);
        var result = await ExternalProcess.RunAsync("dotnet", args, variables, directory, StartTimeout);
        return (result.ExitCode, result.All);
    }

    /// <summary>
    /// Starts the API on a port the system picks (<c>--urls http://127.0.0.1:0</c>) and returns once
    /// it has started; <see cref="RunningApi.Addresses"/> says where it listens. Null when a port the
    /// settings fix (a metrics port) was taken, for <see cref="Loopback.StartOnFreePortAsync"/>.
    /// </summary>
    public static async Task<RunningApi?> TryStartAsync(IDictionary<string, string?> settings, string environment)
    {
        var (args, variables, directory) = Launch(settings, environment);
        var api = new RunningApi(Process.Start(ExternalProcess.StartInfo("dotnet", args, variables, directory))!);
        if (await api.WaitUntilStartedAsync(StartTimeout))
        {
            return api;
        }
        var output = await api.StopAsync();
        await api.DisposeAsync();
        return Loopback.SaysAddressInUse(output) ? null : throw new InvalidOperationException($"The API did not start:{Environment.NewLine}{output}");
    }

    /// <summary>
    /// The process runs in a folder of its own and keeps its database, mail and (in Development)
    /// keys there unless <paramref name="settings"/> say otherwise; no inherited connection string.
    /// </summary>
    private static (string[] Args, Dictionary<string, string?> Variables, string Directory) Launch(IDictionary<string, string?> settings, string environment)
    {
        var directory = Directory.CreateTempSubdirectory("convergio-process-").FullName;
        var variables = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .ToDictionary(k => k, _ => (string?)null);
        variables["ASPNETCORE_ENVIRONMENT"] = environment;
        var own = new Dictionary<string, string?>
        {
            ["Database:SqlitePath"] = Path.Combine(directory, "convergio.db"),
            ["Email:PickupDirectory"] = Path.Combine(directory, "mail"),
        };
        if (environment != Environments.Production)
        {
            own["Security:SigningKeys:0"] = TestKeys.SigningKey();
            own["Encryption:Keys:0"] = TestKeys.FernetKey();
        }
        foreach (var (key, value) in own.Concat(settings))
        {
            variables[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        return ([typeof(Program).Assembly.Location, "--urls", "http://127.0.0.1:0"], variables, directory);
    }
}

/// <summary>An API process started by <see cref="ApiProcess.TryStartAsync"/>; disposing stops it.</summary>
public sealed class RunningApi : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<Uri> _addresses = [];
    private readonly TaskCompletionSource<bool> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Follows an API process started some other way (<c>dotnet run</c>); output must be redirected.</summary>
    internal RunningApi(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Receive(e.Data);
        process.ErrorDataReceived += (_, e) => Receive(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => _started.TrySetResult(false);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The exit code, once <see cref="StopAsync"/> returned for a process that exited by itself.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Where the server listens, from its start-up log (the port-0 listener read back).</summary>
    public IReadOnlyList<Uri> Addresses
    {
        get { lock (_output) { return [.. _addresses]; } }
    }

    private void Receive(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
            if (Loopback.ListeningAddress(line) is { } address)
            {
                _addresses.Add(address);
            }
        }
        if (line.Contains("Application started", StringComparison.Ordinal))
        {
            _started.TrySetResult(true);
        }
    }

    /// <summary>True once the host has started (every listener bound); false when the process exited first.</summary>
    internal async Task<bool> WaitUntilStartedAsync(TimeSpan timeout)
    {
        try
        {
            return await _started.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Stops the process and returns what it printed.</summary>
    public async Task<string> StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        lock (_output)
        {
            return _output.ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }
}
