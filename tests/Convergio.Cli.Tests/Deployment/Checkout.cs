using System.Reflection;
using Convergio.Api.Data;

namespace Convergio.Cli.Tests.Deployment;

/// <summary>The checkout these tests were built from, and how it was built.</summary>
internal static class Checkout
{
    public static string Root { get; } = DataRoot.CheckoutAbove(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"{DataRoot.SolutionFile} not found above the test output folder.");

    /// <summary>Debug or Release: what `--no-build` commands must name to find the build's output.</summary>
    public static string Configuration { get; } =
        typeof(Checkout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string ReadAllText(params string[] parts) => File.ReadAllText(PathOf(parts));
}
