using MimeKit;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>Reads the .eml files the outbox sender writes in tests.</summary>
public static class MailPickup
{
    // The outbox sends in the background; a busy CI machine can be slow to get to it.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The first message to <paramref name="recipient"/>, as written, waiting up to thirty seconds for the sender.</summary>
    public static async Task<string> WaitForAsync(string directory, string recipient) => (await FindAsync(directory, recipient, "")).Raw;

    /// <summary>The first message to <paramref name="recipient"/> whose body contains <paramref name="containing"/>, as written.</summary>
    public static async Task<string> WaitForAsync(string directory, string recipient, string containing) => (await FindAsync(directory, recipient, containing)).Raw;

    /// <summary>
    /// The token of the first link to <paramref name="linkPath"/> (e.g. <c>/reset-password</c>) mailed to
    /// <paramref name="recipient"/>; the message is deleted so a later call finds the next one.
    /// </summary>
    public static async Task<string> WaitForLinkTokenAsync(string directory, string recipient, string linkPath)
    {
        var marker = linkPath + "?token=";
        var (path, _, body) = await FindAsync(directory, recipient, marker);
        File.Delete(path);
        var start = body.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        return new string(body[start..].TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ToArray());
    }

    private static async Task<(string Path, string Raw, string Body)> FindAsync(string directory, string recipient, string containing)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < Patience)
        {
            if (Directory.Exists(directory))
            {
                foreach (var file in Directory.EnumerateFiles(directory, "*.eml"))
                {
                    var raw = await File.ReadAllTextAsync(file);
                    // The body as a mail client shows it: MimeKit undoes whatever transfer encoding it chose.
                    var body = (await MimeMessage.LoadAsync(file)).TextBody ?? "";
                    if (raw.Contains(recipient, StringComparison.OrdinalIgnoreCase) && body.Contains(containing, StringComparison.Ordinal))
                    {
                        return (file, raw, body);
                    }
                }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No mail to {recipient} arrived in {directory} within {Patience.TotalSeconds} s.");
    }
}
