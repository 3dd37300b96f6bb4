using System.Reflection;
using NetArchTest.Rules;

namespace Convergio.Api.Tests.Architecture;

/// <summary>
/// The layers of docs/architecture.md, read from the compiled assembly: a folder may use only the
/// folders of lower layers, so no two features can reach into each other in a loop.
/// </summary>
public sealed class DependencyDirectionTests
{
    private const string Root = "Convergio.Api.";

    /// <summary>Bottom first. Folders on one line are peers and must not use each other.</summary>
    private static readonly string[][] Layers =
    [
        ["Platform"],
        ["Data"],
        ["Secrets"],
        ["Observability"],
        ["Edge"],
        ["Csrf", "Mail"],
        ["Audit"],
        ["Auth"],
        ["Admin", "Disclosure", "ProviderKeys", "Tenancy"],
        // The account's lifecycle (export, deletion) reaches every feature that holds a user's data.
        ["Account"],
        // The contract describes every feature's endpoints, so it sits above them.
        ["ApiDocs", "Billing"],
        ["Hosting"],
    ];

    private static readonly Assembly Api = typeof(Program).Assembly;

    public static TheoryData<string> Folders() => [.. Layers.SelectMany(l => l)];

    [Theory]
    [MemberData(nameof(Folders))]
    public void A_folder_uses_only_folders_of_lower_layers(string folder)
    {
        var layer = Array.FindIndex(Layers, l => l.Contains(folder));
        var forbidden = Layers.Skip(layer).SelectMany(l => l).Where(f => f != folder).Select(f => Root + f).ToArray();

        var types = Types.InAssembly(Api).That().ResideInNamespace(Root + folder);
        // The DbContext is the model's composition point: each feature declares its own DbSets on it
        // (a partial class beside its entities), so only this one type of Data names feature types.
        var result = (folder == "Data" ? types.And().DoNotHaveName(nameof(Data.ConvergioDb)) : types)
            .ShouldNot().HaveDependencyOnAny(forbidden).GetResult();

        Assert.True(result.IsSuccessful, $"{folder} uses a folder of its own or a higher layer: {string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? [])}");
    }

    [Fact]
    public void Every_folder_of_the_api_has_a_layer()
    {
        var folders = Api.GetTypes()
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(n => n.StartsWith(Root, StringComparison.Ordinal))
            .Select(n => n[Root.Length..].Split('.')[0])
            .Distinct();

        Assert.Empty(folders.Except(Layers.SelectMany(l => l)));
    }
}
