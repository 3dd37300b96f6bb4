using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Convergio.Api.Secrets;

/// <summary>How old the active key of each ring may grow before it is due for rotation (docs/rotation.md, "Schedule").</summary>
public sealed class KeyRotationOptions
{
    public const string Section = "Security:Rotation";

    [Range(1, 3650)]
    public int SigningKeysDays { get; set; } = 90;

    [Range(1, 3650)]
    public int EncryptionKeysDays { get; set; } = 365;

    [Range(1, 3650)]
    public int StripeWebhookSecretsDays { get; set; } = 365;
}

/// <summary>
/// Rotation on schedule: a warning when the active key of a ring is older than its schedule on
/// <paramref name="time"/>'s clock, or carries no creation date (<c>yyyy-MM-dd:key</c>) to tell.
/// </summary>
public sealed class KeyRotationRule(TimeProvider time) : IProductionRule
{
    public const string Rule = "key-rotation";

    public IEnumerable<GuardFinding> Check(IConfiguration configuration)
    {
        var options = new KeyRotationOptions();
        var invalid = new List<ValidationResult>();
        try
        {
            configuration.GetSection(KeyRotationOptions.Section).Bind(options);
            Validator.TryValidateObject(options, new ValidationContext(options), invalid, validateAllProperties: true);
        }
        catch (InvalidOperationException e)
        {
            invalid.Add(new ValidationResult(e.InnerException?.Message ?? e.Message));
        }
        if (invalid.Count > 0)
        {
            return invalid.Select(r => new GuardFinding(GuardSeverity.Error, Rule, $"{KeyRotationOptions.Section}: {r.ErrorMessage}"));
        }

        var today = RingEntry.Today(time);
        (string Setting, int Days, List<RingEntry> Ring)[] rings =
        [
            (nameof(KeyRotationOptions.SigningKeysDays), options.SigningKeysDays, SecretKeys.Entries(configuration, SecretKeys.SigningKeys)),
            (nameof(KeyRotationOptions.EncryptionKeysDays), options.EncryptionKeysDays, SecretKeys.EncryptionEntries(configuration)),
            (nameof(KeyRotationOptions.StripeWebhookSecretsDays), options.StripeWebhookSecretsDays, SecretKeys.Entries(configuration, SecretKeys.StripeWebhookSecrets)),
        ];
        return rings
            .Where(r => r.Ring.Count > 0)
            .Select(r => Overdue(r.Ring[0], r.Days, $"{KeyRotationOptions.Section}:{r.Setting}", today))
            .OfType<GuardFinding>()
            .ToList();
    }

    private static GuardFinding? Overdue(RingEntry active, int days, string setting, DateOnly today) => active.AgeDays(today) switch
    {
        null => new(GuardSeverity.Warning, Rule,
            $"{active.Name} has no creation date, so its age cannot be checked against the {days}-day schedule ({setting}); " +
            $"write it as {RingEntry.DateFormat}:<key> (`convergio keys generate` does), docs/rotation.md."),
        { } age when age > days => new(GuardSeverity.Warning, Rule,
            $"{active.Name} was created {age} days ago ({active.Created?.ToString(RingEntry.DateFormat, CultureInfo.InvariantCulture)}); the schedule rotates it every {days} days ({setting}): rotate it (docs/rotation.md)."),
        _ => null,
    };
}
