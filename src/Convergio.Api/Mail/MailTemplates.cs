using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Encodings.Web;
using Fluid;
using Fluid.Values;

namespace Convergio.Api.Mail;

/// <summary>A mail rendered from its templates: subject and plain text raw, HTML with every value HTML-encoded.</summary>
public sealed record RenderedMail(string Subject, string Text, string Html);

/// <summary>
/// Renders mail from Liquid templates (Fluid) embedded in the assembly as <c>Convergio.Templates.{name}.subject.liquid</c>,
/// <c>.txt.liquid</c> and <c>.html.liquid</c>. Templates see only the string values they are given (no object
/// members), and the HTML part encodes each of them, so a name a user typed cannot become markup.
/// </summary>
public sealed class MailTemplates
{
    public const string ResourcePrefix = "Convergio.Templates.";

    private static readonly FluidParser Parser = new();
    private readonly ConcurrentDictionary<string, IFluidTemplate> _parsed = new();
    private readonly Assembly _assembly = typeof(MailTemplates).Assembly;

    public async Task<RenderedMail> RenderAsync(string name, IReadOnlyDictionary<string, string?> values)
    {
        var context = new TemplateContext();
        foreach (var (key, value) in values)
        {
            context.SetValue(key, value is null ? NilValue.Instance : new StringValue(value));
        }
        var subject = await Template(name, "subject").RenderAsync(context, NullEncoder.Default);
        return new(
            subject.Trim(),
            await Template(name, "txt").RenderAsync(context, NullEncoder.Default),
            await Template(name, "html").RenderAsync(context, HtmlEncoder.Default));
    }

    private IFluidTemplate Template(string name, string part) => _parsed.GetOrAdd($"{ResourcePrefix}{name}.{part}.liquid", resource =>
    {
        using var stream = _assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"No mail template {resource} is embedded.");
        var source = new StreamReader(stream).ReadToEnd();
        return Parser.TryParse(source, out var template, out var error)
            ? template
            : throw new InvalidOperationException($"Mail template {resource} does not parse: {error}");
    });
}
