using Convergio.Api.Secrets;

namespace Convergio.Api.Billing;

/// <summary>Stripe endpoint secrets: present (else webhooks answer 503), and each really a <c>whsec_</c> secret.</summary>
internal sealed class StripeWebhookSecretRule : IProductionRule
{
    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var secrets = configuration.GetSection(SecretKeys.StripeWebhookSecrets).GetChildren().ToList();
        if (secrets.All(s => string.IsNullOrEmpty(s.Value)))
        {
            yield return new(GuardSeverity.Warning, "stripe", $"{SecretKeys.StripeWebhookSecrets}:0 is not set; POST /api/v1/webhooks/stripe answers 503 and billing tiers are not updated.");
            yield break;
        }
        foreach (var secret in SecretKeys.Entries(configuration, SecretKeys.StripeWebhookSecrets))
        {
            if (!secret.Key.StartsWith(StripeWebhooks.SecretPrefix, StringComparison.Ordinal) || secret.Key.Length < StripeWebhooks.SecretPrefix.Length + 16)
            {
                yield return new(GuardSeverity.Error, "stripe", $"{secret.Name} is not a Stripe endpoint secret (whsec_…); copy it from the endpoint's page in the Stripe dashboard.");
            }
        }
    }
}
