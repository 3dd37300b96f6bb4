using Convergio.Api.Mail;

namespace Convergio.Api.Tests.Mail;

public sealed class MailTemplatesTests
{
    [Fact]
    public async Task Rendering_a_template_that_is_not_embedded_names_it()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new MailTemplates().RenderAsync("no-such-mail", new Dictionary<string, string?>()));

        Assert.Contains($"{MailTemplates.ResourcePrefix}no-such-mail.subject.liquid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_embedded_template_parses_and_comes_as_subject_text_and_html()
    {
        var resources = typeof(MailTemplates).Assembly.GetManifestResourceNames().Where(r => r.StartsWith(MailTemplates.ResourcePrefix, StringComparison.Ordinal)).ToList();
        var names = resources.Select(r => r[MailTemplates.ResourcePrefix.Length..].Split('.')[0]).Distinct().ToList();

        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.All(new[] { "subject", "txt", "html" },
            part => Assert.Contains($"{MailTemplates.ResourcePrefix}{name}.{part}.liquid", resources)));
        Assert.All(names, name => Assert.Null(Record.Exception(() => new MailTemplates().RenderAsync(name, new Dictionary<string, string?>()).GetAwaiter().GetResult())));
    }
}
