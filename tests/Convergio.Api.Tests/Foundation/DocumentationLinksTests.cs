using System.Text.RegularExpressions;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Foundation;

/// <summary>The docs stand alone: every relative link in README.md and docs/ points at a file of this repository.</summary>
public sealed partial class DocumentationLinksTests
{
    public static TheoryData<string> Documents()
    {
        var root = RepositoryFiles.Root();
        var documents = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Prepend(Path.Combine(root, "README.md")))
        {
            documents.Add(Path.GetRelativePath(root, path));
        }
        return documents;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_stays_inside_the_repository_and_exists(string document)
    {
        var root = RepositoryFiles.Root();
        var path = Path.Combine(root, document);
        var text = File.ReadAllText(path);
        var broken = new List<string>();
        foreach (Match link in MarkdownLink().Matches(text))
        {
            var target = link.Groups["target"].Value.Split('#')[0];
            if (target.Length == 0 || Uri.TryCreate(target, UriKind.Absolute, out _))
            {
                continue;
            }
            var resolved = Path.GetFullPath(target, Path.GetDirectoryName(path)!);
            if (!resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !Path.Exists(resolved))
            {
                broken.Add(target);
            }
        }

        Assert.Empty(broken);
        Assert.DoesNotContain("../shared", text, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
