using System.Security.Cryptography;
using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>/account/provider-keys: AI provider keys stored encrypted and shown only by their last four characters.</summary>
public abstract class AccountProviderKeysTests(Chromium chromium, Topology topology) : PageTest(chromium, topology)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium) : AccountProviderKeysTests(chromium, Topology.SameOrigin);

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium) : AccountProviderKeysTests(chromium, Topology.Split);

    [Fact]
    public async Task An_added_key_is_listed_by_its_last_four_characters_only()
    {
        var page = await SignedInPageAsync(await ApiSession.RegisterVerifiedAsync(Api));
        var key = NewOpenAiKey();

        await AddKeyAsync(page, key);

        await Expect(page.Locator("#keys tbody")).ToContainTextAsync("…" + key[^4..]);
        await Expect(page.Locator("#keys")).Not.ToContainTextAsync(key);
        await Expect(page.GetByLabel("API key")).ToHaveValueAsync("");
    }

    [Fact]
    public async Task Deleting_a_key_removes_it_from_the_list()
    {
        var page = await SignedInPageAsync(await ApiSession.RegisterVerifiedAsync(Api));
        var key = NewOpenAiKey();
        await AddKeyAsync(page, key);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete OpenAI key" }).ClickAsync();

        await Expect(page.Locator("#keys tbody")).ToHaveTextAsync("No provider keys yet.");
    }

    [Fact]
    public async Task A_key_the_api_refuses_is_explained_next_to_the_key_field()
    {
        var page = await SignedInPageAsync(await ApiSession.RegisterVerifiedAsync(Api));

        await AddKeyAsync(page, "not-" + NewOpenAiKey());

        await Expect(page.Locator("#apiKey-error")).ToContainTextAsync("start with");
        await Expect(page.Locator("#keys tbody")).ToHaveTextAsync("No provider keys yet.");
    }

    private static string NewOpenAiKey() => "sk-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    private static async Task AddKeyAsync(IPage page, string key)
    {
        await page.GotoAsync("/account/provider-keys");
        await page.GetByLabel("Provider").SelectOptionAsync("openai");
        await page.GetByLabel("Label").FillAsync("Work");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add key" }).ClickAsync();
    }
}
