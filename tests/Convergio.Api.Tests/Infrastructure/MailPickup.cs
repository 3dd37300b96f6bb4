namespace Convergio.Api.Tests.Infrastructure;

/// <summary>Reads the .eml files the outbox sender writes in tests.</summary>
public static class MailPickup
{
    /// <summary>The first message to <paramref name="recipient"/>, waiting up to ten seconds for the sender.</summary>
    public static async Task<string> WaitForAsync(string directory, string recipient)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (Directory.Exists(directory))
            {
                foreach (var file in Directory.EnumerateFiles(directory, "*.eml"))
                {
                    var text = await File.ReadAllTextAsync(file);
                    if (text.Contains(recipient, StringComparison.OrdinalIgnoreCase))
                    {
                        return text;
                    }
                }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No mail to {recipient} arrived in {directory}.");
    }
}
