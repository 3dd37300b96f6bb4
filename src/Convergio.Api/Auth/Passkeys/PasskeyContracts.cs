using Fido2NetLib;

namespace Convergio.Api.Auth.Passkeys;

/// <summary>The browser's <c>PublicKeyCredential</c> from <c>navigator.credentials.create()</c> (as JSON) and a name for it.</summary>
public sealed record PasskeyRegistrationRequest(string? Name, AuthenticatorAttestationRawResponse? Credential);

public sealed record PasskeyRenameRequest(string? Name);

public sealed record PasskeyResponse(Guid Id, string Name, DateTime CreatedAt, DateTime? LastUsedAt, bool IsBackedUp)
{
    public static PasskeyResponse From(Passkey passkey) => new(passkey.Id, passkey.Name, passkey.CreatedAt, passkey.LastUsedAt, passkey.IsBackedUp);
}

/// <summary>Audit action names of passkeys.</summary>
public static class PasskeyAuditActions
{
    public const string Registered = "auth.passkey.registered";
    public const string Removed = "auth.passkey.removed";
    public const string Renamed = "auth.passkey.renamed";
    public const string Used = "auth.passkey.used";
}
