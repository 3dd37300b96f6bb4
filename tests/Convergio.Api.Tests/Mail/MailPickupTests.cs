using Convergio.Api.Tests.Infrastructure;
using MimeKit;

namespace Convergio.Api.Tests.Mail;

/// <summary>The test mailbox reads a link as a mail client would, whatever transfer encoding MimeKit chose.</summary>
public sealed class MailPickupTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("convergio-mail-").FullName;

    [Theory]
    [InlineData("3DYsruLeJeM5UUNT693IbFeY9d0oPzXuj9zY6lusW_o", "")]
    [InlineData("3DyHlyQgJDBp8hqE4Il1zIi_ikAdi0aJZTXTh1saUVE", "caf\u00e9 ")]
    public async Task A_link_token_is_read_whole_even_when_it_starts_like_a_quoted_printable_escape(string token, string accentedPrefix)
    {
        // An accented prefix makes MimeKit pick quoted-printable, which folds the long line and escapes '='.
        await WriteAsync("someone@example.test", $"{accentedPrefix}Open https://app.convergio.io/verify-email?token={token} within 24 hours.");

        Assert.Equal(token, await MailPickup.WaitForLinkTokenAsync(_directory, "someone@example.test", "/verify-email"));
    }

    private async Task WriteAsync(string to, string text)
    {
        var message = new MimeMessage { Subject = "Link", Body = new TextPart("plain") { Text = text } };
        message.From.Add(MailboxAddress.Parse("no-reply@example.test"));
        message.To.Add(MailboxAddress.Parse(to));
        await message.WriteToAsync(Path.Combine(_directory, $"{Guid.NewGuid():N}.eml"), TestContext.Current.CancellationToken);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
