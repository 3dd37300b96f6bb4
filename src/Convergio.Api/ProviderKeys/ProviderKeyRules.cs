namespace Convergio.Api.ProviderKeys;

/// <summary>
/// What a provider key may look like. A sanity check, not a verification: it refuses what is
/// certainly not a key (wrong provider prefix, whitespace, control or non-ASCII characters, absurd
/// lengths) so that typos fail early. Error messages never echo the key.
/// </summary>
public static class ProviderKeyRules
{
    public const int MaxKeyLength = 512;
    public const int MinKeyLength = 20;
    public const int MaxLabelLength = 100;

    /// <summary>Providers and the prefix their keys are issued with, where the vendor fixes one.</summary>
    public static readonly IReadOnlyDictionary<string, string> Providers = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["openai"] = "sk-",
        ["anthropic"] = "sk-ant-",
        ["azure-openai"] = "",
        ["google"] = "",
        ["mistral"] = "",
    };

    public static Dictionary<string, string[]> Validate(string? provider, string? apiKey, string? label)
    {
        var errors = new Dictionary<string, string[]>();
        if (provider is null || !Providers.TryGetValue(provider, out var prefix))
        {
            errors["provider"] = [$"Provider must be one of: {string.Join(", ", Providers.Keys)}."];
            prefix = "";
        }

        if (string.IsNullOrEmpty(apiKey))
        {
            errors["apiKey"] = ["An API key is required."];
        }
        else if (apiKey.Length > MaxKeyLength)
        {
            errors["apiKey"] = [$"The API key must be at most {MaxKeyLength} characters."];
        }
        else if (apiKey.Length < MinKeyLength || !apiKey.All(IsKeyCharacter))
        {
            errors["apiKey"] = ["This does not look like an API key: expected at least 20 letters, digits, '-', '_' or '.', without spaces."];
        }
        else if (!apiKey.StartsWith(prefix, StringComparison.Ordinal))
        {
            errors["apiKey"] = [$"Keys for {provider} start with \"{prefix}\"."];
        }

        if (label is not null && (label.Trim().Length is 0 or > MaxLabelLength || label.Any(char.IsControl)))
        {
            errors["label"] = [$"A label is 1 to {MaxLabelLength} printable characters."];
        }
        return errors;
    }

    private static bool IsKeyCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
}
