import { api, refreshCsrf, requireUser } from "../api.js";
import { bindForm, notify } from "../forms.js";

await requireUser();
const form = document.getElementById("password-form");

bindForm(form, (values) => {
  if (values.newPassword !== values.confirmPassword) {
    // Shown like the API's own field errors; nothing is sent.
    return { ok: false, status: 400, problem: { errors: { confirmPassword: ["The two new passwords do not match."] } } };
  }
  return api("POST", "/api/v1/auth/change-password", { currentPassword: values.currentPassword, newPassword: values.newPassword });
}, async () => {
  form.reset();
  // The session was renewed with the password: its CSRF token too.
  await refreshCsrf();
  notify("Your password is changed.");
});
