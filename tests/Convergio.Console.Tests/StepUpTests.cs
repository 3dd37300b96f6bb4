using Convergio.WebConsole.Tests.Infrastructure;

namespace Convergio.WebConsole.Tests;

/// <summary>api.js's answer to 403 reauthentication-required: the step-up dialog, then the same request again.</summary>
[Collection(Chromium.Collection)]
public sealed class StepUpTests(Chromium chromium)
{
    [Fact]
    public async Task A_sensitive_action_past_the_step_up_window_asks_for_the_password_in_a_dialog_and_then_succeeds()
    {
        var time = new ShiftedClock();
        await using var api = new ApiHost(time: time);
        var user = await TestUsers.RegisterAsync(api);
        var page = await chromium.NewPageAsync(api.Address);
        await page.GotoAsync("/sign-in");
        await page.SignInWithPasswordAsync(user);
        await page.ExpectSignedInHomeAsync(api.Address, user);
        time.Offset = TimeSpan.FromMinutes(11);

        var status = page.EvaluateAsync<int>("""
            ([current, next]) => import("/js/api.js")
              .then(({ api }) => api("POST", "/api/v1/auth/change-password", { currentPassword: current, newPassword: next }))
              .then((result) => result.status)
            """, new[] { user.Password, TestKeys.Password() });
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Confirm it's you" });
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Password").FillAsync(user.Password);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        Assert.Equal(204, await status);
        await Expect(dialog).ToBeHiddenAsync();
    }
}
