using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Tests.Infrastructure;
using ZXing;
using static Convergio.Api.Tests.Infrastructure.TestSecondFactor;

namespace Convergio.Api.Tests.Auth.Mfa;

public sealed partial class TotpQrCodeTests
{
    [Fact]
    public async Task Setup_returns_the_otpauth_uri_as_an_svg_qr_code_data_url()
    {
        await using var factory = new ConvergioFactory();
        var user = await factory.CreateVerifiedUserAsync();

        var setup = await ReadJsonAsync(await user.Browser.PostJsonAsync("/api/v1/auth/mfa/totp/setup", new { }));

        var svg = SvgOf(setup.GetProperty("qrCodeDataUrl").GetString()!);
        Assert.Equal(XName.Get("svg", "http://www.w3.org/2000/svg"), svg.Root!.Name);
        Assert.Equal(setup.GetProperty("otpauthUri").GetString(), Decode(svg));
    }

    [Fact]
    public void The_image_holds_no_script_or_external_reference()
    {
        var svg = SvgOf(TotpQrCode.DataUrl("otpauth://totp/Convergio:someone%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Convergio"));

        Assert.Equal(["svg", "rect", "path"], svg.Descendants().Prepend(svg.Root!).Select(e => e.Name.LocalName).Distinct());
        Assert.DoesNotContain(svg.Descendants().Attributes(), a => a.Name.LocalName == "href");
    }

    private static XDocument SvgOf(string dataUrl)
    {
        Assert.StartsWith("data:image/svg+xml;base64,", dataUrl, StringComparison.Ordinal);
        return XDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(dataUrl["data:image/svg+xml;base64,".Length..])));
    }

    /// <summary>Draws the dark modules of the path onto a bitmap and reads it back with ZXing, a decoder independent of QRCoder.</summary>
    private static string? Decode(XDocument svg)
    {
        const int scale = 4;
        var modules = int.Parse(svg.Root!.Attribute("viewBox")!.Value.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        var size = modules * scale;
        var pixels = Enumerable.Repeat((byte)255, size * size).ToArray();
        var path = svg.Descendants().Single(e => e.Name.LocalName == "path").Attribute("d")!.Value;
        foreach (Match run in DarkRun().Matches(path))
        {
            var (x, y, width) = (Number(run, "x"), Number(run, "y"), Number(run, "w"));
            for (var py = y * scale; py < (y + 1) * scale; py++)
            {
                Array.Fill(pixels, (byte)0, py * size + x * scale, width * scale);
            }
        }
        // A pure barcode (axis-aligned, quiet zone, no noise): ZXing's general detector misreads some of these, one code in ~25.
        var reader = new BarcodeReaderGeneric { Options = { PossibleFormats = [BarcodeFormat.QR_CODE], PureBarcode = true } };
        return reader.Decode(new RGBLuminanceSource(pixels, size, size, RGBLuminanceSource.BitmapFormat.Gray8))?.Text;
    }

    private static int Number(Match match, string group) =>
        int.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"M(?<x>\d+) (?<y>\d+)h(?<w>\d+)v1h-\d+z")]
    private static partial Regex DarkRun();
}
