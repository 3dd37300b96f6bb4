using QRCoder;

namespace Convergio.Api.Auth.Mfa;

/// <summary>The otpauth URI as a QR code image, drawn here so the secret never reaches an image service.</summary>
public static class TotpQrCode
{
    public const string DataUrlPrefix = "data:image/svg+xml;base64,";

    public static string DataUrl(string otpauthUri)
    {
        using var data = QRCodeGenerator.GenerateQrCode(otpauthUri, QRCodeGenerator.ECCLevel.M);
        // Sized by its viewBox only, so the page decides how large it is shown.
        using var svg = new SvgQRCode(data);
        var image = svg.GetGraphic(pixelsPerModule: 1, "#000000", "#ffffff", drawQuietZones: true, SvgQRCode.SizingMode.ViewBoxAttribute);
        return DataUrlPrefix + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(image));
    }
}
