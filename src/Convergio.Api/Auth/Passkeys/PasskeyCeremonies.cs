using System.Text.Json;
using Convergio.Api.Data;
using Fido2NetLib;
using Fido2NetLib.Objects;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Auth.Passkeys;

/// <summary>The outcome of a passkey ceremony: the credential, or why it was refused (for the audit trail).</summary>
public sealed record PasskeyOutcome<T>(T? Value, string? Failure) where T : class
{
    public static PasskeyOutcome<T> Refused(string reason) => new(null, reason);
}

/// <summary>
/// WebAuthn registration and assertion through the Fido2 library. The library verifies origin,
/// relying party, challenge, user presence and verification, signature and counter; this class
/// keeps each challenge server-side and lets it be used once, within five minutes, for the
/// ceremony (and user) it was issued for.
/// </summary>
public sealed class PasskeyCeremonies(ConvergioDb db, IFido2 fido2, TimeProvider time)
{
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);

    public async Task<CredentialCreateOptions> BeginRegistrationAsync(User user, CancellationToken cancellationToken)
    {
        var existing = await db.Passkeys.Where(p => p.UserId == user.Id).Select(p => p.CredentialId).ToListAsync(cancellationToken);
        var options = fido2.RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = user.Id.ToByteArray(), Name = user.Email, DisplayName = user.FullName ?? user.Email },
            ExcludeCredentials = existing.Select(id => new PublicKeyCredentialDescriptor(id)).ToList(),
            // Discoverable (sign-in without typing an email) and user-verifying (a passkey counts as two factors).
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Required,
                UserVerification = UserVerificationRequirement.Required,
            },
            AttestationPreference = AttestationConveyancePreference.None,
        });
        await StoreAsync(options.Challenge, WebAuthnPurposes.Register, user.Id, options.ToJson(), cancellationToken);
        return options;
    }

    /// <summary>Verifies the attestation; the caller stores the credential.</summary>
    public async Task<PasskeyOutcome<RegisteredPublicKeyCredential>> CompleteRegistrationAsync(
        Guid userId, AuthenticatorAttestationRawResponse? response, CancellationToken cancellationToken)
    {
        var stored = await TakeAsync(response?.Response?.ClientDataJson, WebAuthnPurposes.Register, userId, cancellationToken);
        if (stored is null)
        {
            return PasskeyOutcome<RegisteredPublicKeyCredential>.Refused("unknown_or_used_challenge");
        }
        try
        {
            var credential = await fido2.MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = response!,
                OriginalOptions = CredentialCreateOptions.FromJson(stored.OptionsJson),
                IsCredentialIdUniqueToUserCallback = async (args, token) => !await db.Passkeys.AnyAsync(p => p.CredentialId == args.CredentialId, token),
            }, cancellationToken);
            return new(credential, null);
        }
        catch (Fido2VerificationException e)
        {
            return PasskeyOutcome<RegisteredPublicKeyCredential>.Refused(e.Code.ToString());
        }
    }

    /// <summary>Request options: any discoverable passkey for sign-in, or the user's own for reauthentication.</summary>
    public async Task<AssertionOptions> BeginAssertionAsync(string purpose, Guid? userId, CancellationToken cancellationToken)
    {
        var allowed = userId is null
            ? []
            : await db.Passkeys.Where(p => p.UserId == userId).Select(p => p.CredentialId).ToListAsync(cancellationToken);
        var options = fido2.GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = allowed.Select(id => new PublicKeyCredentialDescriptor(id)).ToList(),
            UserVerification = UserVerificationRequirement.Required,
        });
        await StoreAsync(options.Challenge, purpose, userId, options.ToJson(), cancellationToken);
        return options;
    }

    /// <summary>
    /// Verifies an assertion and, on success, advances the passkey's counter in the unit of work.
    /// With <paramref name="userId"/> the passkey must be that user's.
    /// </summary>
    public async Task<PasskeyOutcome<Passkey>> CompleteAssertionAsync(
        string purpose, Guid? userId, AuthenticatorAssertionRawResponse? response, CancellationToken cancellationToken)
    {
        var stored = await TakeAsync(response?.Response?.ClientDataJson, purpose, userId, cancellationToken);
        if (stored is null)
        {
            return PasskeyOutcome<Passkey>.Refused("unknown_or_used_challenge");
        }
        var credentialId = response!.RawId ?? [];
        var passkey = await db.Passkeys.SingleOrDefaultAsync(p => p.CredentialId == credentialId && (userId == null || p.UserId == userId), cancellationToken);
        if (passkey is null)
        {
            return PasskeyOutcome<Passkey>.Refused("unknown_credential");
        }
        try
        {
            var result = await fido2.MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = response,
                OriginalOptions = AssertionOptions.FromJson(stored.OptionsJson),
                StoredPublicKey = passkey.PublicKey,
                StoredSignatureCounter = (uint)passkey.SignCount,
                // The user handle returned by a discoverable credential must be the account the credential is filed under.
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) => Task.FromResult(
                    args.UserHandle is { Length: 16 } && new Guid(args.UserHandle) == passkey.UserId && args.CredentialId.AsSpan().SequenceEqual(passkey.CredentialId)),
            }, cancellationToken);
            passkey.SignCount = result.SignCount;
            passkey.IsBackedUp = result.IsBackedUp;
            passkey.LastUsedAt = time.GetUtcNow().UtcDateTime;
            return new(passkey, null);
        }
        catch (Fido2VerificationException e)
        {
            return PasskeyOutcome<Passkey>.Refused(e.Code.ToString());
        }
    }

    private async Task StoreAsync(byte[] challenge, string purpose, Guid? userId, string optionsJson, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // Expired ceremonies are cleared as new ones start, so the table stays as small as the traffic of five minutes.
        await db.WebAuthnChallenges.Where(c => c.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        db.WebAuthnChallenges.Add(new WebAuthnChallenge
        {
            Id = Guid.NewGuid(),
            Challenge = challenge,
            Purpose = purpose,
            UserId = userId,
            OptionsJson = optionsJson,
            CreatedAt = now,
            ExpiresAt = now + ChallengeLifetime,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Finds the ceremony by the challenge inside the client data and deletes it; of two requests
    /// presenting the same challenge only the one whose delete takes the row goes on.
    /// </summary>
    private async Task<WebAuthnChallenge?> TakeAsync(byte[]? clientDataJson, string purpose, Guid? userId, CancellationToken cancellationToken)
    {
        if (ChallengeOf(clientDataJson) is not { } challenge)
        {
            return null;
        }
        var now = time.GetUtcNow().UtcDateTime;
        var stored = await db.WebAuthnChallenges.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Challenge == challenge && c.Purpose == purpose && c.UserId == userId && c.ExpiresAt > now, cancellationToken);
        if (stored is null)
        {
            return null;
        }
        var taken = await db.WebAuthnChallenges.Where(c => c.Id == stored.Id).ExecuteDeleteAsync(cancellationToken);
        return taken == 1 ? stored : null;
    }

    private static byte[]? ChallengeOf(byte[]? clientDataJson)
    {
        if (clientDataJson is null)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(clientDataJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("challenge", out var value) && value.ValueKind == JsonValueKind.String
                ? WebEncoders.Base64UrlDecode(value.GetString()!)
                : null;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return null;
        }
    }
}
