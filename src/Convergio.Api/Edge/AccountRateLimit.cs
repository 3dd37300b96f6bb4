namespace Convergio.Api.Edge;

/// <summary>
/// A request aimed at one account (sign-in, registration, password recovery). Endpoints whose
/// request implements this get the per-account rate-limit bucket on the normalized email,
/// so distributed guessing at one account is capped whatever the client IPs.
/// </summary>
public interface IAccountScopedRequest
{
    string Email { get; }
}
