namespace Convergio.Api.Tests.Infrastructure;

/// <summary>Reads the .eml files the outbox sender writes in tests.</summary>
public static class MailPickup
{
    /// <summary>The first message to <paramref name="recipient"/>, waiting up to ten seconds for the sender.</summary>
    public static async Task<string> WaitForAsync(string directory, string recipient) => (await WaitForAsync(directory, recipient, "")).Text;

    /// <summary>
    /// The token of the first link to <paramref name="linkPath"/> (e.g. <c>/reset-password</c>) mailed to
    /// <paramref name="recipient"/>; the message is deleted so a later call finds the next one.
    /// </summary>
    public static async Task<string> WaitForLinkTokenAsync(string directory, string recipient, string linkPath)
    {
        var (path, mail) = await WaitForAsync(directory, recipient, linkPath + "?token=");
        File.Delete(path);
        var link = Unfolded(mail);
        var start = link.IndexOf(linkPath + "?token=", StringComparison.Ordinal) + linkPath.Length + "?token=".Length;
        return new string(link[start..].TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ToArray());
    }

    // Quoted-printable soft line breaks and the escaped '=' of the query string.
    private static string Unfolded(string mail) => mail.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);

    private static async Task<(string Path, string Text)> WaitForAsync(string directory, string recipient, string containing)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (Directory.Exists(directory))
            {
                foreach (var file in Directory.EnumerateFiles(directory, "*.eml"))
                {
                    var text = await File.ReadAllTextAsync(file);
                    if (text.Contains(recipient, StringComparison.OrdinalIgnoreCase) && Unfolded(text).Contains(containing, StringComparison.Ordinal))
                    {
                        return (file, text);
                    }
                }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No mail to {recipient} arrived in {directory}.");
    }
}
