using System.Net;
using System.Text.RegularExpressions;
using Convergio.Api.Auth;
using Convergio.Api.Platform;
using Convergio.Api.Tests.Infrastructure;

namespace Convergio.Api.Tests.Auth;

/// <summary>Look-alike spellings of one address are one account; invisible characters are refused.</summary>
public sealed partial class EmailNormalizationTests
{
    [Fact]
    public void Nfkc_folds_fullwidth_letters_which_needs_icu_not_invariant_globalization() =>
        Assert.Equal("ada@example.test", Emails.Normalize("\uFF21\uFF24\uFF21@\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45.test"));

    [Theory]
    [InlineData("jose\u0301@example.test", "jos\u00E9@example.test")]
    [InlineData("Ada@Example.Test.", "ada@example.test")]
    [InlineData("  ada@example.test  ", "ada@example.test")]
    [InlineData("\uFB01nance@example.test", "finance@example.test")]
    public void Twins_normalize_to_one_form(string typed, string normalized) =>
        Assert.Equal(normalized, Emails.Normalize(typed));

    [Theory]
    [InlineData("a\u200Bda@example.test")]
    [InlineData("ada\u200D@example.test")]
    [InlineData("\u202Eada@example.test")]
    [InlineData("ada@exa\u200Emple.test")]
    [InlineData("ad\u00ADa@example.test")]
    [InlineData("ada@example.test\u2066")]
    [InlineData("a\u0007da@example.test")]
    public void Addresses_with_zero_width_bidi_or_control_characters_are_invalid(string typed) =>
        Assert.False(Emails.IsValid(Emails.Normalize(typed)));

    [Fact]
    public void No_project_or_image_turns_on_invariant_globalization()
    {
        var root = RepositoryFiles.Root();
        var offenders = RepositoryFiles.Tracked()
            .Where(f => f.EndsWith(".csproj", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)
                || Path.GetFileName(f).StartsWith("Dockerfile", StringComparison.Ordinal) || f.EndsWith(".bicep", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Where(f => InvariantOn().IsMatch(File.ReadAllText(Path.Combine(root, f))))
            .ToList();

        Assert.True(offenders.Count == 0, "Invariant globalization would leave fullwidth emails unnormalized:\n" + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData(Db.Sqlite, "\uFF41da@example.test")]
    [InlineData(Db.Postgres, "\uFF41da@example.test")]
    [InlineData(Db.Sqlite, "ADA@EXAMPLE.TEST.")]
    [InlineData(Db.Postgres, "ada@example.test.")]
    public async Task A_look_alike_of_a_registered_address_is_409_and_signs_in_to_the_same_account(Db db, string twin)
    {
        await using var factory = new ConvergioFactory(db);
        var owner = await factory.CreateSignedInUserAsync("ada@example.test");
        using var other = factory.CreateBrowser();

        var register = await other.PostJsonAsync(AuthTestExtensions.RegisterPath, new { email = twin, password = TestKeys.Password() });
        var login = await other.LoginAsync(twin, owner.Password);

        await ProblemAssert.IsProblemAsync(register, HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Theory]
    [InlineData(Db.Sqlite)]
    [InlineData(Db.Postgres)]
    public async Task Registering_an_address_with_a_zero_width_space_is_400_naming_the_email(Db db)
    {
        await using var factory = new ConvergioFactory(db);
        using var browser = factory.CreateBrowser();

        var response = await browser.PostJsonAsync(AuthTestExtensions.RegisterPath, new { email = "a\u200Bda@example.test", password = TestKeys.Password() });

        await ProblemAssert.IsValidationProblemAsync(response, "email");
    }

    [GeneratedRegex(@"InvariantGlobalization>\s*true|GLOBALIZATION_INVARIANT\W+(1|true)|System\.Globalization\.Invariant""\s*:\s*true", RegexOptions.IgnoreCase)]
    private static partial Regex InvariantOn();
}
