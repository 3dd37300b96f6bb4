using Convergio.Api.ApiDocs;

namespace Convergio.Api.Hosting;

/// <summary>
/// Which environment the server runs in, decided before the builder exists. Since .NET 7,
/// <c>WebApplication.CreateBuilder</c> lets <c>DOTNET_ENVIRONMENT</c> beat <c>ASPNETCORE_ENVIRONMENT</c>
/// (aspnet/Announcements#498), so the launch profile's <c>DOTNET_ENVIRONMENT=Development</c> would
/// silently win over <c>ASPNETCORE_ENVIRONMENT=Production dotnet run</c>. The order here is explicit:
/// <c>--environment</c>, then <c>ASPNETCORE_ENVIRONMENT</c>, then <c>DOTNET_ENVIRONMENT</c>, and
/// Production when none is set, so a container that forgets the variable still gets the guard.
/// </summary>
public static class HostEnvironmentName
{
    public const string AspNetCoreVariable = "ASPNETCORE_ENVIRONMENT";
    public const string DotnetVariable = "DOTNET_ENVIRONMENT";

    public static WebApplicationOptions StartOptions(string[] args) => new()
    {
        Args = args,
        EnvironmentName = BuildTimeDocument.IsGenerating ? Environments.Development : Resolve(args, Environment.GetEnvironmentVariable),
    };

    public static string Resolve(string[] args, Func<string, string?> variable) =>
        Named(new ConfigurationBuilder().AddCommandLine(args).Build()[HostDefaults.EnvironmentKey])
        ?? Named(variable(AspNetCoreVariable))
        ?? Named(variable(DotnetVariable))
        ?? Environments.Production;

    private static string? Named(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
