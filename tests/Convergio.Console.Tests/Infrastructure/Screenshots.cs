namespace Convergio.WebConsole.Tests.Infrastructure;

/// <summary>Where the screenshot tests write: docs/console of the repository the tests were built from (README, section Console).</summary>
public static class Screenshots
{
    public static string Folder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Convergio.slnx")))
        {
            directory = directory.Parent;
        }
        var root = directory?.FullName ?? throw new DirectoryNotFoundException("Convergio.slnx not found above the test binaries.");
        return Directory.CreateDirectory(Path.Combine(root, "docs", "console")).FullName;
    }
}
