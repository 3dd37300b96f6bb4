using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Convergio.Api.Tests.Infrastructure;

/// <summary>
/// A WebAuthn authenticator in software: an ECDSA P-256 credential that answers creation
/// options with a <c>none</c> attestation and request options with real signed assertions,
/// as a browser would hand them to the frontend (the JSON of <c>PublicKeyCredential</c>).
/// </summary>
public sealed class SoftwareAuthenticator : IDisposable
{
    private const byte UserPresent = 0x01;
    private const byte UserVerified = 0x04;
    private const byte AttestedCredentialData = 0x40;

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>The signature counter the next assertion will carry (incremented before signing).</summary>
    public uint SignCount { get; set; }

    /// <summary>Whether assertions claim the user was verified (PIN, biometrics), not only present.</summary>
    public bool VerifiesUser { get; set; } = true;

    /// <summary>The user handle received at registration, returned in assertions (discoverable credential).</summary>
    public byte[]? UserHandle { get; private set; }

    /// <summary>Answers <c>navigator.credentials.create()</c> for the given creation options.</summary>
    public JsonObject Create(JsonElement options, string origin)
    {
        var rpId = options.GetProperty("rp").GetProperty("id").GetString()!;
        UserHandle = WebEncoders.Base64UrlDecode(options.GetProperty("user").GetProperty("id").GetString()!);
        var clientData = ClientData("webauthn.create", options.GetProperty("challenge").GetString()!, origin);

        var cose = new CborWriter();
        cose.WriteStartMap(5);
        cose.WriteInt32(1);
        cose.WriteInt32(2); // kty: EC2
        cose.WriteInt32(3);
        cose.WriteInt32(-7); // alg: ES256
        cose.WriteInt32(-1);
        cose.WriteInt32(1); // crv: P-256
        var point = _key.ExportParameters(includePrivateParameters: false).Q;
        cose.WriteInt32(-2);
        cose.WriteByteString(point.X!);
        cose.WriteInt32(-3);
        cose.WriteByteString(point.Y!);
        cose.WriteEndMap();

        var attested = new List<byte>();
        attested.AddRange(new byte[16]); // AAGUID: none
        attested.Add((byte)(CredentialId.Length >> 8));
        attested.Add((byte)CredentialId.Length);
        attested.AddRange(CredentialId);
        attested.AddRange(cose.Encode());
        var authenticatorData = AuthenticatorData(rpId, UserPresent | UserVerified | AttestedCredentialData, SignCount, [.. attested]);

        var attestation = new CborWriter();
        attestation.WriteStartMap(3);
        attestation.WriteTextString("fmt");
        attestation.WriteTextString("none");
        attestation.WriteTextString("attStmt");
        attestation.WriteStartMap(0);
        attestation.WriteEndMap();
        attestation.WriteTextString("authData");
        attestation.WriteByteString(authenticatorData);
        attestation.WriteEndMap();

        return new JsonObject
        {
            ["id"] = B64(CredentialId),
            ["rawId"] = B64(CredentialId),
            ["type"] = "public-key",
            ["response"] = new JsonObject
            {
                ["attestationObject"] = B64(attestation.Encode()),
                ["clientDataJSON"] = B64(clientData),
                ["transports"] = new JsonArray("internal"),
            },
            ["clientExtensionResults"] = new JsonObject(),
        };
    }

    /// <summary>Answers <c>navigator.credentials.get()</c> for the given request options, from <paramref name="origin"/>.</summary>
    public JsonObject Get(JsonElement options, string origin)
    {
        var rpId = options.GetProperty("rpId").GetString()!;
        var clientData = ClientData("webauthn.get", options.GetProperty("challenge").GetString()!, origin);
        SignCount++;
        var authenticatorData = AuthenticatorData(rpId, VerifiesUser ? UserPresent | UserVerified : UserPresent, SignCount, []);
        var signature = _key.SignData([.. authenticatorData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new JsonObject
        {
            ["id"] = B64(CredentialId),
            ["rawId"] = B64(CredentialId),
            ["type"] = "public-key",
            ["response"] = new JsonObject
            {
                ["authenticatorData"] = B64(authenticatorData),
                ["signature"] = B64(signature),
                ["clientDataJSON"] = B64(clientData),
                ["userHandle"] = UserHandle is null ? null : B64(UserHandle),
            },
            ["clientExtensionResults"] = new JsonObject(),
        };
    }

    private static byte[] ClientData(string type, string challenge, string origin) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["type"] = type, ["challenge"] = challenge, ["origin"] = origin, ["crossOrigin"] = false }.ToJsonString());

    private static byte[] AuthenticatorData(string rpId, int flags, uint signCount, byte[] attested) =>
    [
        .. SHA256.HashData(Encoding.UTF8.GetBytes(rpId)),
        (byte)flags,
        (byte)(signCount >> 24), (byte)(signCount >> 16), (byte)(signCount >> 8), (byte)signCount,
        .. attested,
    ];

    private static string B64(byte[] bytes) => WebEncoders.Base64UrlEncode(bytes);

    public void Dispose() => _key.Dispose();
}
