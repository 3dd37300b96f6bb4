using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>/account/password: changing the password, with step-up when the sign-in is old.</summary>
public abstract class AccountPasswordTests(Chromium chromium, Topology topology) : PageTest(chromium, topology)
{
    [Collection(Chromium.Collection)]
    public sealed class SameOrigin(Chromium chromium) : AccountPasswordTests(chromium, Topology.SameOrigin);

    [Collection(Chromium.Collection)]
    public sealed class Split(Chromium chromium) : AccountPasswordTests(chromium, Topology.Split);

    [Fact]
    public async Task A_changed_password_is_the_one_that_signs_in()
    {
        var user = await TestUsers.RegisterAsync(Api);
        var page = await SignedInPageAsync(user);
        var changed = user with { Password = TestKeys.Password() };

        await ChangePasswordAsync(page, user.Password, changed.Password);
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password is changed.");

        await SignedInPageAsync(changed);
    }

    [Fact]
    public async Task An_old_sign_in_is_asked_to_confirm_it_is_the_user_and_the_change_is_then_retried()
    {
        var user = await TestUsers.RegisterAsync(Api);
        var page = await SignedInPageAsync(user);
        await Accounts.AgeSessionsAsync(Api, user, TimeSpan.FromHours(2));
        var changed = user with { Password = TestKeys.Password() };

        await ChangePasswordAsync(page, user.Password, changed.Password);
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Confirm it's you" });
        await dialog.GetByLabel("Password").FillAsync(user.Password);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password is changed.");
        await Expect(dialog).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_wrong_current_password_is_shown_and_nothing_changes()
    {
        var user = await TestUsers.RegisterAsync(Api);
        var page = await SignedInPageAsync(user);

        await ChangePasswordAsync(page, TestKeys.Password(), TestKeys.Password());

        await Expect(page.Locator("#currentPassword-error")).ToHaveTextAsync("Current password is incorrect.");
        await SignedInPageAsync(user);
    }

    [Fact]
    public async Task A_confirmation_that_differs_is_shown_next_to_its_field()
    {
        var page = await SignedInPageAsync(await TestUsers.RegisterAsync(Api));
        await page.GotoAsync("/account/password");

        await page.GetByLabel("Current password").FillAsync("irrelevant");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(TestKeys.Password());
        await page.GetByLabel("Confirm new password").FillAsync(TestKeys.Password());
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await Expect(page.Locator("#confirmPassword-error")).ToHaveTextAsync("The two new passwords do not match.");
        await Expect(page.GetByLabel("Confirm new password")).ToHaveAttributeAsync("aria-invalid", "true");
    }

    private static async Task ChangePasswordAsync(IPage page, string current, string next)
    {
        await page.GotoAsync("/account/password");
        await page.GetByLabel("Current password").FillAsync(current);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(next);
        await page.GetByLabel("Confirm new password").FillAsync(next);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
    }
}
